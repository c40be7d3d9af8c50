# Asks the Sentinel endpoint SENTINEL GET-MASTER-ADDR-BY-NAME NAME every 20 ms on one connection,
# with a set's password, and logs every answer, for acceptance/sentinel-clients.sh:
#   <epoch ms> addr <ip> <port>   |   <epoch ms> nil   |   <epoch ms> error <error>
#
# usage: SET_PASSWORD=... poll.py SENTINEL_HOST SENTINEL_PORT NAME LOG
import os
import signal
import sys
import time

import redis

host, port, name, log_path = sys.argv[1:5]
log = open(log_path, "a", buffering=1)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
endpoint = redis.Redis(host=host, port=int(port), password=os.environ["SET_PASSWORD"], socket_timeout=5,
                       decode_responses=True)
while True:
    try:
        answer = endpoint.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name)
        text = "nil" if answer is None else "addr " + " ".join(answer)
    except Exception as e:  # noqa: BLE001 - logged, then asked again
        text = "error %s: %s" % (type(e).__name__, str(e).replace("\n", " "))
    log.write("%d %s\n" % (time.time() * 1000, text))
    time.sleep(0.02)
