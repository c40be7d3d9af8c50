# Subscribes to every channel (PSUBSCRIBE *) of the Sentinel endpoint with a set's password and logs
# what arrives, for acceptance/sentinel-clients.sh:
#   <epoch ms> subscribed <pattern> <count>     the endpoint confirmed the subscription
#   <epoch ms> msg <channel> <payload>           an event
#   <epoch ms> error <error>                     the connection failed (it subscribes again)
#
# usage: SET_PASSWORD=... observe.py SENTINEL_HOST SENTINEL_PORT LOG
import os
import signal
import sys
import time

import redis

host, port, log_path = sys.argv[1:4]
password = os.environ["SET_PASSWORD"]
log = open(log_path, "a", buffering=1)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def note(text):
    log.write("%d %s\n" % (time.time() * 1000, text))


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


while True:
    try:
        pubsub = redis.Redis(host=host, port=int(port), password=password, socket_timeout=5).pubsub()
        pubsub.psubscribe("*")
        while True:
            m = pubsub.get_message(timeout=1.0)
            if m is None:
                continue
            if m["type"] == "psubscribe":
                note("subscribed %s %s" % (text(m["channel"]), m["data"]))
            elif m["type"] == "pmessage":
                note("msg %s %s" % (text(m["channel"]), text(m["data"])))
            else:
                note("other %r" % (m,))
    except Exception as e:  # noqa: BLE001 - logged, then subscribe again
        note("error %s: %s" % (type(e).__name__, str(e).replace("\n", " ")))
        time.sleep(0.5)
