// The Node.js writers of acceptance/sentinel-clients.sh: ioredis and node-redis (createSentinel),
// configured as their documentation says, each with a loop that SETs PREFIX:k<i> = i every 20 ms.
// One line per outcome, to LOG (as writer.py):
//   <epoch ms> ack <i> <port>      the SET was acknowledged by the node on <port>
//   <epoch ms> err <i> <port> <error>  it failed (the loop goes on with i+1)
//   <epoch ms> timeout <i>         no answer in 5 s; the loop goes on, an answer later is still logged
//   <epoch ms> event ...           the client's own events (errors, reconnects, topology changes)
// The port: ioredis's socket's remote port; node-redis's getMasterNode() (its one master client).
//
// usage: SET_PASSWORD=... node writer.js VARIANT SENTINEL_HOST SENTINEL_PORT NAME PREFIX LOG
//   (the set's password, for the endpoint and for Redis alike, from the environment: not in ps)
//   VARIANT: ioredis | ioredis-resp2 | ioredis-fd | ioredis-fd-resp2 | node-redis | node-redis-resp2
//   (fd: failoverDetector: true; resp2: the client's RESP2 option; otherwise the client's default)
'use strict';
const fs = require('fs');

const [variant, host, port, name, prefix, logPath] = process.argv.slice(2);
const password = process.env.SET_PASSWORD;
const out = fs.openSync(logPath, 'a');
const note = (text) => fs.writeSync(out, `${Date.now()} ${String(text).replace(/\n/g, ' ')}\n`);
process.on('SIGTERM', () => process.exit(0));
process.on('unhandledRejection', (e) => note(`event unhandled ${e && e.message}`));

async function open() {
  if (variant.startsWith('ioredis')) {
    const Redis = require('ioredis');
    const options = { sentinels: [{ host, port: Number(port) }], name, sentinelPassword: password, password };
    if (variant.includes('-fd')) options.failoverDetector = true;
    if (variant.endsWith('-resp2')) options.protocol = 2;
    note(`start ioredis ${require('ioredis/package.json').version} ${JSON.stringify({ ...options, sentinelPassword: '***', password: '***' })}`);
    const client = new Redis(options);
    client.on('error', (e) => note(`event error ${e.message}`));
    client.on('ready', () => note(`event ready ${client.stream && client.stream.remotePort}`));
    client.on('close', () => note('event close'));
    client.on('reconnecting', (ms) => note(`event reconnecting ${ms}`));
    return { set: (k, v) => client.set(k, v), port: () => client.stream && client.stream.remotePort };
  }
  const { createSentinel } = require('redis');
  const options = {
    name, sentinelRootNodes: [{ host, port: Number(port) }],
    nodeClientOptions: { password }, sentinelClientOptions: { password },
  };
  if (variant.endsWith('-resp2')) options.RESP = 2;
  note(`start node-redis ${require('redis/package.json').version} RESP=${options.RESP || 'default'}`);
  const client = createSentinel(options);
  client.on('error', (e) => note(`event error ${e && e.message ? e.message : e}`));
  client.on('topology-change', (e) => note(`event topology-change ${e.type} ${e.node ? e.node.host + ':' + e.node.port : ''}`));
  await client.connect();
  return { set: (k, v) => client.set(k, v), port: () => { const m = client.getMasterNode(); return m && m.port; } };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  let client;
  try {
    client = await open();
  } catch (e) {
    note(`event open-failed ${e && e.message}`);
    process.exit(2);
  }
  for (let i = 1; ; i++) {
    const started = Date.now();
    let settled = false;
    const done = client.set(`${prefix}:k${i}`, String(i)).then(
      () => { settled = true; note(`ack ${i} ${client.port()}`); },
      (e) => { settled = true; note(`err ${i} ${client.port()} ${e && e.message}`); });
    await Promise.race([done, sleep(5000)]);
    if (!settled) note(`timeout ${i}`);
    await sleep(Math.max(0, 20 - (Date.now() - started)));
  }
}
main();
