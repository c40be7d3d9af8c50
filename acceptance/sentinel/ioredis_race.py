# Recognises, for acceptance/sentinel-clients.sh, the ioredis bug that ends a client with
# failoverDetector: true for good: a +switch-master that reaches its FailoverDetector while its
# SentinelConnector is inside connect() (asking a sentinel, or waiting to retry the sentinels) calls
# connector.disconnect(), which sets connecting=false; connect() then throws "Connection is closed."
# and Redis.connect() sets the status to "end": no more reconnects, every command fails with
# "Connection is closed." (ioredis 6.0.0: built/connectors/SentinelConnector/index.js connect(),
# FailoverDetector.js disconnect(), built/Redis.js connect()).
#
# Evidence: DEBUG=ioredis:SentinelConnector,ioredis:FailoverDetector on the writer's stderr (OUT) and
# the writer's log (LOG). Prints "yes <why>" when, after SINCE (epoch ms), the FailoverDetector logged
# "Failover detected, disconnecting", within 2 s the client emitted "Connection is closed.", and the
# client never became ready again; "no" otherwise, and "nil <why>" when the connector had been
# answered nil by get-master-addr-by-name meanwhile: then the endpoint, not Sentinel's behaviour,
# kept the client inside connect() (a nil for a known master is what Sentinel never answers).
#
# usage: ioredis_race.py OUT LOG SINCE
import datetime
import sys

out_path, log_path, since = sys.argv[1], sys.argv[2], int(sys.argv[3])


def iso_ms(stamp):
    t = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp() * 1000)


detected = []
nils = []
with open(out_path, errors="replace") as out:
    for line in out:
        nil = "successfully, but got an invalid reply: null" in line
        if nil or "ioredis:FailoverDetector Failover detected, disconnecting" in line:
            try:
                t = iso_ms(line.split()[0])
            except ValueError:
                continue
            if t >= since:
                (nils if nil else detected).append(t)
closed = ready_after = None
with open(log_path, errors="replace") as log:
    for line in log:
        words = line.split(" ", 2)
        if len(words) < 3 or not words[0].isdigit() or int(words[0]) < since:
            continue
        t = int(words[0])
        if closed is None and words[1] == "event" and words[2].startswith("error Connection is closed."):
            closed = t
        elif closed is not None and words[1] == "event" and words[2].startswith("ready"):
            ready_after = t
if closed is not None and ready_after is None and any(0 <= closed - t <= 2000 for t in detected):
    last = max(t for t in detected if t <= closed)
    if any(t <= closed for t in nils):
        print("nil", "the endpoint answered get-master-addr-by-name with nil %d times before the"
              " FailoverDetector disconnected at %d" % (sum(1 for t in nils if t <= closed), last))
        sys.exit(0)
    print("yes", "FailoverDetector disconnected at %d, 'Connection is closed.' %d ms later, never ready again"
          % (last, closed - last))
else:
    print("no")
