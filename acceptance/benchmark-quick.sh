#!/usr/bin/env bash
# Acceptance: the benchmark's quick run, as a newcomer meets it. `benchmarks/run --only
# startup,skeleton,replication --data-mb 64 --promotes 1 --startup-runs 1` must print its plan with
# an estimate before it starts, each phase as it starts and ends, progress lines inside the long
# ones (data loaded, the attach as the api reports it, promote rounds), and its table; its JSON
# must hold the start-up figures beside the floor, the machine and the table rows; and
# `benchmarks/readme-table` must turn that JSON into a README table (written to a copy here).
# The figures themselves are not judged: this is a check of what the program shows, not a goal.
# Every check prints `ok - ...` or `not ok - ...`; the last line is `N passed, M failed`.
#
# Needs: java, redis-server.
set -euo pipefail -o errtrace

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redtrove-benchmark-acceptance.XXXXXX")
data=$tmp/data

# shellcheck source=acceptance/lib.sh
source "$top/acceptance/lib.sh"

trap 'err_line=$LINENO' ERR
trap finish_acceptance EXIT

echo "# 1. the quick run"
run benchmarks/run --only startup,skeleton,replication --data-mb 64 --promotes 1 --startup-runs 1 \
  --out "$tmp/quick.json"
printf '%s\n' "$out" >"$tmp/benchmark.log"
if [ "$rc" = 0 ]; then ok "benchmarks/run (quick) ends well"; else not_ok "benchmarks/run (quick) ends well" "$(tail -n 40 <<<"$out")"; fi
shows() {
  local what=$1 regex=$2
  if grep -Eq -- "$regex" <<<"$out"; then ok "$what"; else not_ok "$what" "$(grep -E '^(==|   \[|Plan)' <<<"$out" | head -n 60)"; fi
}
shows "the plan and an estimate come first" '^Plan: startup \(1 of each start\) ~[0-9]+ s, skeleton ~[0-9]+ s, replication \(64 MB, 1 promotes\) ~[0-9]+ s; about [0-9]+ (s|min) in all'
first=$(grep -m1 -E '^(Plan|==)' <<<"$out" || true)
if [[ "$first" == Plan:* ]]; then ok "nothing is measured before the plan is printed"; else not_ok "nothing is measured before the plan is printed" "$first"; fi
shows "the launcher is prepared before anything is timed" '^== \[[0-9]+:[0-9]{2}\] prepare: .*: done in [0-9]+ s$'
shows "the start-up phase starts" '^== \[[0-9]+:[0-9]{2}\] startup: 1 starts on fresh data dirs, 1 restarts, 1 of the floor \.\.\.$'
shows "a fresh start is reported with its parts" '^   \[[0-9]+:[0-9]{2}\] fresh data dir, start 1 of 1: ready in [0-9.]+ s \(\{JVM before main=[0-9.]+, .*database=.*api=[0-9.]+.*\}\)$'
shows "a restart is reported" '^   \[[0-9]+:[0-9]{2}\] same data dir, restart 1 of 1: ready in [0-9.]+ s'
shows "the floor is reported" '^   \[[0-9]+:[0-9]{2}\] floor, start 1 of 1: [0-9.]+ s$'
shows "data loading shows MB written of MB" '^   \[[0-9]+:[0-9]{2}\] loading data: [0-9]+ of 64 MB written$'
shows "the attach shows what the api says of it" '^   \[[0-9]+:[0-9]{2}\] attach: (no attach job yet|(QUEUED|RUNNING), no stage yet|.*(preparing its redis-server|asking the master|receiving|connecting|catching up|in sync).*)$'
shows "promotes show their round" '^   \[[0-9]+:[0-9]{2}\] promote: round 1 of 1: longest write gap [0-9.]+ ms$'
shows "each phase ends with its duration" '^== \[[0-9]+:[0-9]{2}\] replication: eject a SIGSTOPped master: done in [0-9]+ s$'
shows "the table follows" '^dev mode, restart, same data dir → ready \(median of 1\) +[0-9.]+ s'

echo "# 2. the JSON and the README table made from it"
json() { python3 -c "import json,sys; d=json.load(open('$tmp/quick.json')); print($1)"; }
run json "d['startup']['freshSeconds']['median'] > 0 and d['startup']['restartSeconds']['median'] > 0 and d['startup']['floorSeconds']['median'] > 0"
if [ "$out" = True ]; then ok "the JSON holds the start-up medians and the floor"; else not_ok "the JSON holds the start-up medians and the floor" "$(diag)"; fi
run json "sorted(d['startup']['restartSeconds']['partsOfTheMedianStart'])"
if grep -q "'api'" <<<"$out" && grep -q "'database'" <<<"$out"; then ok "the JSON keeps the parts of the median start"; else not_ok "the JSON keeps the parts of the median start" "$(diag)"; fi
run json "d['machine']['cores'], d['machine']['memoryGib'] > 0, len(d['table'])"
if grep -Eq '^[0-9]+ True [0-9]+$' <<<"$out"; then ok "the JSON states the machine and the table rows"; else not_ok "the JSON states the machine and the table rows" "$(diag)"; fi

cp README.md "$tmp/README.md"
run benchmarks/readme-table "$tmp/quick.json" "$tmp/README.md"
table=$(sed -n '/^<!-- benchmark table:/,/^<!-- end of the benchmark table -->/p' "$tmp/README.md")
if [ "$rc" = 0 ] && grep -q "^Measured $(date -u +%Y-%m-%d) with \`benchmarks/run --only startup,skeleton,replication --data-mb 64" <<<"$table" \
    && grep -q '^| dev mode, fresh data dir → ready (median of 1) | [0-9.]* s | floor (bare java -jar' <<<"$table" \
    && grep -q '^| attach 2 replicas' <<<"$table"; then
  ok "benchmarks/readme-table writes the table from the JSON, with the date and command"
else
  not_ok "benchmarks/readme-table writes the table from the JSON, with the date and command" "$(diag)
$table"
fi
if git diff --quiet -- README.md benchmarks/readme.json; then ok "a table written elsewhere leaves the repository's README alone"; else not_ok "a table written elsewhere leaves the repository's README alone" "$(git diff --stat)"; fi
