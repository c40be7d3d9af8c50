#!/usr/bin/env bash
# Acceptance: replication tasks as a new user meets them, with curl and redis-cli only, against a
# fresh `deploy/redtrove dev` (free ports, temporary data dir, honouring REDTROVE_JAR): the README's
# routes and JSON, the seed's sensor example (stream sensor-1, engine_status/sensor_status labels:
# only working, non-corrupted records arrive), a Redis outside RedTrove as a target by URL, pause,
# resume, ReductStore's refusals, the set's replica diagnostics, and delete. Every check prints
# `ok - ...` or `not ok - ...`; the last line is `N passed, M failed`; the exit status is non-zero
# if anything failed.
#
# Needs: java, curl, python3, redis-server and redis-cli.
set -euo pipefail -o errtrace

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

while read -r var; do unset "$var"; done < <(compgen -v OS_ || true)
unset REDISCLI_AUTH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redtrove-tasks-acceptance.XXXXXX")
data=$tmp/data
export TROVECLIENT_UUID_CACHE_DIR=$tmp/troveclient

# shellcheck source=acceptance/lib.sh
source "$top/acceptance/lib.sh"

# api METHOD PATH [BODY]: the Trove API with the token; prints the body, then the status on its own line.
api() {
  local method=$1 path=$2 body=${3:-}
  if [ -n "$body" ]; then
    curl -sS --max-time 15 -X "$method" -H "X-Auth-Token: $token" -H 'Content-Type: application/json' \
      -d "$body" -w '\n%{http_code}' "$base/v1.0/$project/$path"
  else
    curl -sS --max-time 15 -X "$method" -H "X-Auth-Token: $token" -w '\n%{http_code}' "$base/v1.0/$project/$path"
  fi
}
status_of() { tail -n 1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }
# expect_api WHAT STATUS REGEX METHOD PATH [BODY]: that status, and the body matches REGEX.
expect_api() {
  local what=$1 status=$2 regex=$3; shift 3
  last_cmd="curl -X $1 .../$2 ${3:-}"
  out=$(api "$@" 2>&1) || true
  rc=0
  if [ "$(status_of "$out")" = "$status" ] && grep -Eq -- "$regex" <<<"$(body_of "$out")"; then ok "$what"
  else not_ok "$what" "$(diag)"; fi
}
active() { out=$(body_of "$(api GET "instances/$1")"); [ "$(json instance status <<<"$out")" = ACTIVE ]; }
task_field() { body_of "$(api GET "replications/$1")" | json "${@:2}"; }

outside_pid=
# the Redis outside RedTrove, which the script stops and starts
cleanup() {
  if [ -n "$outside_pid" ]; then kill -CONT "$outside_pid" 2>/dev/null || true; kill "$outside_pid" 2>/dev/null || true; fi
}
trap 'err_line=$LINENO' ERR
trap finish_acceptance EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "# 1. dev mode, a token, a source and a copy (at ${SECONDS} s)"
start_dev_mode
base=http://127.0.0.1:$port
# A Keystone v3 password login with curl, from openrc's variables, as the README's curl section does.
login() {
  curl -sS --max-time 15 -D "$tmp/login.headers" -o "$tmp/login.json" -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"$OS_USERNAME\",
         \"domain\": {\"id\": \"default\"}, \"password\": \"$OS_PASSWORD\"}}},
         \"scope\": {\"project\": {\"name\": \"$OS_PROJECT_NAME\", \"domain\": {\"id\": \"default\"}}}}}" \
    "$OS_AUTH_URL/auth/tokens"
}
run login
token=$(grep -i '^x-subject-token:' "$tmp/login.headers" | cut -d' ' -f2 | tr -d '\r')
project=$(json token project id <"$tmp/login.json")
if [ "$rc" = 0 ] && [ -n "$token" ] && [[ $project =~ ^[0-9a-f]{32}$ ]]; then ok "a token for project $project (POST $OS_AUTH_URL/auth/tokens)"
else not_ok "a token from $OS_AUTH_URL/auth/tokens" "$(diag) $(cat "$tmp/login.json" 2>/dev/null)"; fi

out=$(api POST instances '{"instance":{"name":"plant","flavorRef":"1"}}')
src=$(body_of "$out" | json instance id)
out=$(api POST instances '{"instance":{"name":"plant-copy","flavorRef":"1"}}')
dst=$(body_of "$out" | json instance id)
wait_for 120 "plant is ACTIVE" active "$src"
wait_for 120 "plant-copy is ACTIVE" active "$dst"
src_port=$(body_of "$(api GET "instances/$src")" | json instance port)
[ "$src_port" != - ] || src_port=$(body_of "$(api GET "instances/$src")" | python3 -c 'import json,sys; print(json.load(sys.stdin)["instance"]["addresses"][0]["port"])' 2>/dev/null || echo -)
dst_port=$(body_of "$(api GET "instances/$dst")" | json instance port)
[ "$dst_port" != - ] || dst_port=$(body_of "$(api GET "instances/$dst")" | python3 -c 'import json,sys; print(json.load(sys.stdin)["instance"]["addresses"][0]["port"])' 2>/dev/null || echo -)
src_pw=$(body_of "$(api GET "instances/$src/password")" | json password)
dst_pw=$(body_of "$(api GET "instances/$dst/password")" | json password)
if [[ $src_port =~ ^[0-9]+$ && $dst_port =~ ^[0-9]+$ ]]; then ok "both instances have a port: $src_port, $dst_port"
else not_ok "both instances have a port" "src: $(api GET "instances/$src")"; fi

echo "# 2. the seed's sensor example (at ${SECONDS} s)"
expect_api "POST /replications/sensors (flat ReductStore settings, by instance name)" 200 '"is_provisioned": *false' \
  POST replications/sensors '{"src_instance": "plant", "dst_instance": "plant-copy", "entries": ["sensor-*"],
   "include": {"engine_status": "working"}, "exclude": {"sensor_status": "corrupted"}}'
is_active() { out=$(task_field "$1" info is_active); [ "$out" = true ]; }
wait_for 30 "the task is active" is_active sensors
rcli "$src_port" "$src_pw" xadd sensor-1 '*' engine_status working sensor_status ok >/dev/null
rcli "$src_port" "$src_pw" xadd sensor-1 '*' engine_status idle sensor_status ok >/dev/null
rcli "$src_port" "$src_pw" xadd sensor-1 '*' engine_status working sensor_status corrupted >/dev/null
rcli "$src_port" "$src_pw" xadd sensor-1 '*' engine_status working sensor_status good >/dev/null
rcli "$src_port" "$src_pw" xadd motor-1 '*' engine_status working >/dev/null
two_arrived() { out=$(rcli "$dst_port" "$dst_pw" xlen sensor-1); [ "$out" = 2 ]; }
wait_for 20 "two of four sensor-1 readings arrive (working, not corrupted)" two_arrived
expect "they are the ok and the good one" '^ok good$' \
  bash -c "REDISCLI_AUTH='$dst_pw' redis-cli --no-auth-warning -p $dst_port xrange sensor-1 - + | grep -A1 '^sensor_status$' | grep -v '^sensor_status$' | grep -v '^--$' | paste -sd' '"
expect "motor-1 (not in entries) did not arrive" '^0$' rcli "$dst_port" "$dst_pw" exists motor-1
expect_api "GET /replications: name, mode, is_active, is_provisioned, pending_records" 200 \
  '"replications": *\[\{"name": *"sensors", *"mode": *"enabled", *"is_active": *true, *"is_provisioned": *false, *"pending_records": *0' \
  GET replications
# the diagnostics ride the agent's next heartbeat (every second): wait for the one after the records arrived
counted() { out=$(api GET replications/sensors); [ "$(status_of "$out")" = 200 ] && grep -Eq '"hourly": *\{"ok": *[1-9]' <<<"$out"; }
wait_for 10 "GET /replications/sensors: info, settings, diagnostics.hourly (ok > 0)" counted
expect_api "PATCH mode paused" 200 '"mode": *"paused"' PATCH replications/sensors/mode '{"mode": "paused"}'

echo "# 3. ReductStore's refusals (at ${SECONDS} s)"
expect_api "an existing name: 409" 409 "Replication 'sensors' already exists" \
  POST replications/sensors '{"src_instance": "plant", "dst_instance": "plant-copy"}'
expect_api "an unknown task: 404" 404 "Replication 'nope' does not exist" GET replications/nope
expect_api "a target equal to the source: 422" 422 'must be different' \
  POST replications/same '{"src_instance": "plant", "dst_instance": "plant"}'
expect_api "a target that is not a Redis URL: 422" 422 "Invalid destination host" \
  POST replications/bad '{"src_instance": "plant", "dst_host": "http://example"}'
expect_api "a bad each_n: 400 naming it" 400 'each_n' \
  POST replications/bad '{"src_instance": "plant", "dst_instance": "plant-copy", "each_n": 0}'

echo "# 4. a Redis outside RedTrove, away and back (at ${SECONDS} s)"
oport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/outside"
redis-server --port "$oport" --bind 127.0.0.1 --requirepass outside-pw --save '' --appendonly no \
  --dir "$tmp/outside" --logfile "$tmp/outside/redis.log" &
outside_pid=$!
up() { out=$(rcli "$oport" outside-pw ping 2>&1); [ "$out" = PONG ]; }
wait_for 10 "a redis-server outside RedTrove on :$oport" up
expect_api "POST a task to redis://127.0.0.1:$oport/3 with dst_password" 200 '"dst_password": *"\*\*\*"' \
  POST replications/outbound "{\"src_instance\": \"$src\", \"dst_host\": \"redis://127.0.0.1:$oport/3\", \"dst_password\": \"outside-pw\", \"entries\": [\"log\"]}"
wait_for 30 "the outbound task is active" is_active outbound
for i in $(seq 0 99); do echo "RPUSH log $i"; done | REDISCLI_AUTH=$src_pw redis-cli --no-auth-warning -p "$src_port" >/dev/null
kill -STOP "$outside_pid"
for i in $(seq 100 199); do echo "RPUSH log $i"; done | REDISCLI_AUTH=$src_pw redis-cli --no-auth-warning -p "$src_port" >/dev/null
inactive() { out=$(task_field outbound info is_active); [ "$out" = false ]; }
wait_for 20 "with the target stopped the task shows is_active false" inactive
pending() { out=$(task_field outbound info pending_records); [[ $out =~ ^[0-9]+$ ]] && [ "$out" -gt 0 ]; }
wait_for 20 "and keeps records pending" pending
kill -CONT "$outside_pid"
all200() { out=$(rcli "$oport" outside-pw -n 3 llen log); [ "$out" = 200 ]; }
wait_for 30 "back: all 200 in database 3" all200
expect "each exactly once, in order" '^ok$' \
  bash -c "[ \"\$(REDISCLI_AUTH=outside-pw redis-cli --no-auth-warning -p $oport -n 3 lrange log 0 -1 | paste -sd' ')\" = \"\$(seq 0 199 | paste -sd' ')\" ] && echo ok"

echo "# 5. the set's own replicas, and delete (at ${SECONDS} s)"
out=$(api POST instances "{\"instance\":{\"name\":\"plant-r\",\"replica_of\":\"$src\",\"replica_count\":1}}")
rep=$(body_of "$(api GET "instances/$src")" | json instance replicas 0 id)
wait_for 120 "plant's replica is ACTIVE" active "$rep"
set_name=$(body_of "$(api GET "instances/$src")" | json instance replica_set name)
in_sync() {
  out=$(body_of "$(api GET "replica-sets/$set_name/replication")")
  [ "$(json replication members 1 link <<<"$out")" = up ] && [ "$(json replication members 1 bytes_behind <<<"$out")" = 0 ]
}
wait_for 30 "GET /replica-sets/$set_name/replication: the replica's link up, 0 bytes behind" in_sync
expect_api "DELETE /replications/outbound: 204" 204 '' DELETE replications/outbound
sleep 3
rcli "$src_port" "$src_pw" rpush log after-delete >/dev/null
sleep 2
expect "after the delete nothing more arrives" '^200$' rcli "$oport" outside-pw -n 3 llen log
# finish_acceptance (the EXIT trap) stops dev mode and prints the summary.
