# Reads poll.py's log for acceptance/sentinel-clients.sh: did get-master-addr-by-name answer as
# Sentinel does while the master moved from OLD_PORT to NEW_PORT? Between SINCE and UNTIL (epoch ms)
# every answer must name OLD_PORT or NEW_PORT, never nil, and once NEW_PORT never OLD_PORT again.
# Prints "ok <answers> <old> <new>" or "bad <why>".
#
# usage: answers.py LOG SINCE UNTIL OLD_PORT NEW_PORT
import sys

path, since, until, old, new = sys.argv[1:6]
since, until = int(since), int(until)
counts = {"old": 0, "new": 0}
seen_new = False
bad = None
with open(path, errors="replace") as log:
    for line in log:
        words = line.split()
        if len(words) < 2 or not words[0].isdigit() or not since <= int(words[0]) <= until:
            continue
        answer = " ".join(words[1:])
        if answer == "addr 127.0.0.1 " + new:
            seen_new = True
            counts["new"] += 1
        elif answer == "addr 127.0.0.1 " + old and not seen_new:
            counts["old"] += 1
        else:
            bad = bad or "%s: %s%s" % (words[0], answer, " (after the new master)" if seen_new else "")
total = counts["old"] + counts["new"]
if bad:
    print("bad", bad)
elif not seen_new or total < 10:
    print("bad", "%d answers, %d of them the new master" % (total, counts["new"]))
else:
    print("ok", total, counts["old"], counts["new"])
