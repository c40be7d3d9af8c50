# The redis-py writer of acceptance/sentinel-clients.sh, run by Debian's /usr/bin/python3 with
# python3-redis (4.3.4): Sentinel(...).master_for(NAME), configured as its documentation says, and a
# loop that SETs PREFIX:k<i> = i every 20 ms. One line per outcome, to LOG:
#   <epoch ms> ack <i> <port>      the SET was acknowledged by the node on <port>
#   <epoch ms> err <i> <port> <error>  it failed (the loop goes on with i+1)
# The port is the one the client's own connection was connected to when it sent the SET, recorded by
# a subclass of redis-py's SentinelManagedConnection that changes nothing but that bookkeeping.
#
# usage: SET_PASSWORD=... writer.py SENTINEL_HOST SENTINEL_PORT NAME PREFIX LOG
# (the set's password, for the endpoint and for Redis alike, from the environment: not in ps)
import os
import signal
import sys
import time

import redis
from redis.sentinel import Sentinel, SentinelManagedConnection

host, port, name, prefix, log_path = sys.argv[1:6]
password = os.environ["SET_PASSWORD"]
log = open(log_path, "a", buffering=1)


def note(text):
    log.write("%d %s\n" % (time.time() * 1000, text))


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
sent_on = {"port": None}


class ObservedConnection(SentinelManagedConnection):
    def send_packed_command(self, command, check_health=True):
        sent_on["port"] = self.port
        return super().send_packed_command(command, check_health)


note("start redis-py %s" % redis.__version__)
sentinel = Sentinel([(host, int(port))], sentinel_kwargs={"password": password, "socket_timeout": 5},
                    password=password, socket_timeout=5)
master = sentinel.master_for(name, connection_class=ObservedConnection)
i = 0
while True:
    i += 1
    started = time.monotonic()
    try:
        master.set("%s:k%d" % (prefix, i), i)
        note("ack %d %s" % (i, sent_on["port"]))
    except Exception as e:  # noqa: BLE001 - every failure is an outcome to log
        note("err %d %s %s: %s" % (i, sent_on["port"], type(e).__name__, str(e).replace("\n", " ")))
    time.sleep(max(0.0, 0.02 - (time.monotonic() - started)))
