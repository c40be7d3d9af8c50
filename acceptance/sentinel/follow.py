# Reads a writer's log (see writer.py) for acceptance/sentinel-clients.sh: how the client followed
# one change of master. Prints one line of whitespace-separated fields, "-" where there is none:
#   first_t first_i  the first SET acknowledged by the node on NEW_PORT at or after SINCE (epoch ms)
#   last_t last_i    the last one so far
#   old_after        SETs acknowledged by OLD_PORT after SWITCH (epoch ms): writes the old master took
#                    after the endpoint named the new one
#   failed           err and timeout lines between SINCE and first_t (or the end of the log)
#
# usage: follow.py LOG SINCE SWITCH OLD_PORT NEW_PORT
import sys

path, since, switch, old_port, new_port = sys.argv[1:6]
since, switch = int(since), int(switch) if switch != "-" else None
first = last = None
old_after = failed = 0
with open(path, errors="replace") as log:
    for line in log:
        words = line.split()
        if len(words) < 3 or not words[0].isdigit():
            continue
        t, kind = int(words[0]), words[1]
        if t < since:
            continue
        if kind == "ack" and len(words) >= 4:
            if words[3] == new_port:
                last = (t, words[2])
                first = first or last
            elif words[3] == old_port and switch is not None and t > switch:
                old_after += 1
        elif kind in ("err", "timeout") and first is None:
            failed += 1
fields = list(first or ("-", "-")) + list(last or ("-", "-")) + [old_after, failed]
print(" ".join(str(f) for f in fields))
