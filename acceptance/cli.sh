#!/usr/bin/env bash
# Acceptance: the redtrove client as a new user meets it, against a fresh `deploy/redtrove dev`
# (free ports, temporary data dir): installed through a link on a PATH as the README shows, logged
# in from the openrc, every verb's --help, replication tasks from create to delete (the typed-name
# confirmation answered at its prompt), a set's replicas, and `cp` between two instances with
# redis-cli checking the target key by key: filters, TTLs, a re-run that skips, and refusals in one
# line with exit status 1. Every check prints `ok - ...` or `not ok - ...`; the last line is
# `N passed, M failed`; the exit status is non-zero if anything failed.
#
# Needs: java, curl, python3, redis-server and redis-cli; the build (cli/target/redtrove-cli-exec.jar).
set -euo pipefail -o errtrace

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

while read -r var; do unset "$var"; done < <(compgen -v OS_ || true)
unset REDISCLI_AUTH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redtrove-cli-acceptance.XXXXXX")
data=$tmp/data

# shellcheck source=acceptance/lib.sh
source "$top/acceptance/lib.sh"

trap 'err_line=$LINENO' ERR
trap finish_acceptance EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


echo "# 1. installed on a PATH, as the README shows (at ${SECONDS} s)"
mkdir -p "$tmp/bin"
ln -s "$top/cli/redtrove" "$tmp/bin/redtrove"
export PATH="$tmp/bin:$PATH"
expect "redtrove --help lists the verbs" 'replication.*' redtrove --help
for verb in "replication create" "replication list" "replication show" "replication update" "replication pause" \
    "replication resume" "replication delete" replicas cp "copy list" "copy show" "host list" "host show" \
    "host drain" "host resume"; do
  # shellcheck disable=SC2086
  expect "redtrove $verb --help" "^Usage: redtrove $verb" redtrove $verb --help
done
expect_error "without an openrc: one line, exit status 1" '^Error: No OS_AUTH_URL' redtrove replication list
run redtrove replication create
if [ "$rc" = 2 ] && grep -q "Missing required parameter: 'NAME'" <<<"$out"; then ok "a usage error: exit status 2"
else not_ok "a usage error: exit status 2" "$(diag)"; fi

echo "# 2. dev mode, logged in from its openrc (at ${SECONDS} s)"
start_dev_mode
expect "the login works: an empty list of tasks" '^NAME +MODE +ACTIVE +PENDING +PROVISIONED$' redtrove replication list
expect_error "a wrong password: Keystone's refusal in one line" \
  '^Error: Login refused by .*requires authentication\. \(HTTP 401\)$' env OS_PASSWORD=wrong redtrove replication list
base=http://127.0.0.1:$port
curl -sS --max-time 15 -D "$tmp/login.headers" -o "$tmp/login.json" -H 'Content-Type: application/json' \
  -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"$OS_USERNAME\",
       \"domain\": {\"id\": \"default\"}, \"password\": \"$OS_PASSWORD\"}}},
       \"scope\": {\"project\": {\"name\": \"$OS_PROJECT_NAME\", \"domain\": {\"id\": \"default\"}}}}}" \
  "$OS_AUTH_URL/auth/tokens"
token=$(grep -i '^x-subject-token:' "$tmp/login.headers" | cut -d' ' -f2 | tr -d '\r')
project=$(json token project id <"$tmp/login.json")
api() { curl -sS --max-time 15 -X "$1" -H "X-Auth-Token: $token" -H 'Content-Type: application/json' ${3:+-d "$3"} \
  "$base/v1.0/$project/$2"; }
src=$(api POST instances '{"instance":{"name":"plant","flavorRef":"1"}}' | json instance id)
dst=$(api POST instances '{"instance":{"name":"plant-copy","flavorRef":"1"}}' | json instance id)
active() { out=$(api GET "instances/$1"); [ "$(json instance status <<<"$out")" = ACTIVE ]; }
wait_for 120 "plant is ACTIVE" active "$src"
wait_for 120 "plant-copy is ACTIVE" active "$dst"
src_port=$(api GET "instances/$src" | json instance port)
dst_port=$(api GET "instances/$dst" | json instance port)
src_pw=$(api GET "instances/$src/password" | json password)
dst_pw=$(api GET "instances/$dst/password" | json password)
if [[ $src_port =~ ^[0-9]+$ && $dst_port =~ ^[0-9]+$ && ${#src_pw} -gt 8 ]]; then ok "both instances: ports $src_port, $dst_port and passwords"
else not_ok "both instances: ports and passwords" "src=$src_port dst=$dst_port pw=${#src_pw}"; fi

echo "# 3. replication tasks (at ${SECONDS} s)"
expect "create" "^Replication 'sensors' created: enabled$" redtrove replication create sensors --source plant \
  --target plant-copy --entries 'sensor-*' --include engine_status=working
expect "list: the task, aligned" '^sensors +enabled +(yes|no) +[0-9]+ +no$' redtrove replication list
expect "list --full -f json parses" '^sensors$' bash -c "redtrove replication list --full -f json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"replications\"][0][\"info\"][\"name\"])'"
rcli "$src_port" "$src_pw" xadd sensor-1 '*' engine_status working n 1 >/dev/null
rcli "$src_port" "$src_pw" xadd sensor-1 '*' engine_status idle n 2 >/dev/null
arrived() { out=$(rcli "$dst_port" "$dst_pw" xlen sensor-1); [ "$out" = 1 ]; }
wait_for 30 "the working reading arrives, the idle one does not" arrived
expect "show: settings and diagnostics, instances by name" 'source +plant' redtrove replication show sensors
expect "update: only what is given changes" "^Replication 'sensors' updated$" redtrove replication update sensors --each-n 2
expect "the include filter is kept" '"engine_status" *: *"working"' redtrove replication show sensors -f json
expect "pause" "is paused$" redtrove replication pause sensors
expect "resume" "is enabled$" redtrove replication resume sensors
run bash -c "echo wrong | redtrove replication delete sensors"
if [ "$rc" = 1 ] && grep -q "Not deleted" <<<"$out"; then ok "delete: a wrongly typed name deletes nothing"
else not_ok "delete: a wrongly typed name deletes nothing" "$(diag)"; fi
expect "delete: the typed name deletes it" "Replication 'sensors' deleted" bash -c "echo sensors | redtrove replication delete sensors"
expect_error "show of a deleted task: the server's message" "^Error: Replication 'sensors' does not exist \(HTTP 404\)$" \
  redtrove replication show sensors

echo "# 4. a set's replicas (at ${SECONDS} s)"
replica=$(api POST instances "{\"instance\":{\"name\":\"plant-r\",\"replica_of\":\"$src\"}}" | json instance id)
wait_for 120 "plant-r is ACTIVE" active "$replica"
linked() { out=$(redtrove replicas plant 2>&1); grep -Eq '^plant-r +replica +HEALTHY +up +[0-9]+' <<<"$out"; }
wait_for 30 "replicas: the replica, its link up, bytes behind" linked
expect "replicas -f json: the master first" '^master$' bash -c "redtrove replicas plant -f json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"members\"][0][\"role\"])'"

echo "# 5. cp (at ${SECONDS} s)"
rcli "$src_port" "$src_pw" flushall >/dev/null
rcli "$dst_port" "$dst_pw" flushall >/dev/null
for i in $(seq 1 200); do echo "SET key:$i v$i"; done | rcli "$src_port" "$src_pw" >/dev/null
rcli "$src_port" "$src_pw" set ttl-key x EX 5000 >/dev/null
rcli "$src_port" "$src_pw" hset engine-1 status working >/dev/null
rcli "$src_port" "$src_pw" hset engine-2 status idle >/dev/null
rcli "$src_port" "$src_pw" xadd readings 1000-0 status ok >/dev/null
rcli "$src_port" "$src_pw" xadd readings 2000-0 status idle >/dev/null
expect "cp --quiet: only the final line" '^Copied 204 keys \(skipped 0, failed 0\) in [0-9.]+ s$' redtrove cp plant plant-copy --quiet
expect "the target holds them" '^205$' rcli "$dst_port" "$dst_pw" dbsize   # and the copy's marker
expect "values arrive" '^v17$' rcli "$dst_port" "$dst_pw" get key:17
ttl=$(rcli "$dst_port" "$dst_pw" ttl ttl-key)
if [ "$ttl" -gt 4900 ] 2>/dev/null && [ "$ttl" -le 5000 ]; then ok "TTLs are kept ($ttl s)"; else not_ok "TTLs are kept" "ttl=$ttl"; fi
expect "a re-run skips what exists" '^Copied 0 keys \(skipped 204, failed 0\)' redtrove cp plant plant-copy -q
rcli "$dst_port" "$dst_pw" flushall >/dev/null
expect "cp with filters: hashes by their fields, stream entries by theirs" '^Copied 2 keys' \
  redtrove cp plant plant-copy --entries 'engine-*' readings --exclude status=idle -q
expect_error "one label twice: refused, not half-applied" "^Error: --exclude gives 'status' twice" \
  redtrove cp plant plant-copy --exclude status=idle status=bad
expect "engine-2 (status=idle) was not copied" '^0$' rcli "$dst_port" "$dst_pw" exists engine-2
expect "readings holds only the ok entry" '^1$' rcli "$dst_port" "$dst_pw" xlen readings
expect "cp --detach: returns at once with the way to follow" 'Follow it with: redtrove copy show' \
  redtrove cp plant plant-copy --detach
expect "copy list: the copies" 'SUCCEEDED +plant +plant-copy' redtrove copy list
expect_error "an unknown instance: one line" "^Error: Source instance 'nope' does not exist \(HTTP 404\)$" \
  redtrove cp nope plant-copy
expect_error "an instance onto itself" '^Error: The source and the target are the same instance' redtrove cp plant plant
expect_error "a bad pattern" "^Error: Validation error: key pattern 'a\[b' has a '\[' that is never closed" \
  redtrove cp plant plant-copy --entries 'a[b'
expect_error "an unreachable URL, the password never shown" '^Error: Cannot reach the target redis://127.0.0.1:1: ' \
  redtrove cp plant redis://:hush@127.0.0.1:1 -q
if grep -q hush <<<"$out"; then not_ok "the URL's password is not shown" "$out"; else ok "the URL's password is not shown"; fi

echo "# 6. metrics, as the README reads them (at ${SECONDS} s)"
metrics_line=$(grep '^Metrics (Authorization: Bearer' "$tmp/dev.log" || true)
api_metrics=$(sed -n 's/.* api \(http[^,]*\),.*/\1/p' <<<"$metrics_line")
tm_metrics=$(sed -n 's/.* taskmanager \(http[^,]*\),.*/\1/p' <<<"$metrics_line")
guest_metrics=$(sed -n 's/.* guest agent \(http[^ ]*\)$/\1/p' <<<"$metrics_line")
metrics_token=$(cat "$data/metrics-token")
scrape() { curl -sS --max-time 15 -H "Authorization: Bearer $metrics_token" "$1"; }
for url in "$api_metrics" "$tm_metrics" "$guest_metrics"; do
  expect "no token, no metrics: $url" '^401$' curl -sS --max-time 15 -o /dev/null -w '%{http_code}' "${url:-http://127.0.0.1:1/}"
done
expect "the api: the outbox" '^redtrove_outbox_depth ' scrape "$api_metrics"
expect "the taskmanager: jobs by kind and outcome" '^redtrove_job_runs_seconds_count\{kind="ATTACH_REPLICAS",outcome="succeeded"' \
  scrape "$tm_metrics"
expect "the guest agent: the instances, labelled by id, set and role" \
  '^redtrove_instance_memory_used_bytes\{host="[^"]+",instance_id="[0-9a-f-]+",role="master",set="[0-9a-f-]+"\}' \
  scrape "$guest_metrics"
if grep -qF "$src_pw" <<<"$(scrape "$guest_metrics")"; then not_ok "no password in the metrics"
else ok "no password in the metrics"; fi

echo "# 7. hosts, as the runbook drains one (at ${SECONDS} s)"
host_id=$(redtrove host list -f json | python3 -c 'import json,sys; print(json.load(sys.stdin)["hosts"][0]["id"])')
expect "host list: the dev host, one master with a replica on it" "^[^ ]+ +$host_id +127\.0\.0\.1 +[0-9.]+ +1 +1 +" \
  redtrove host list
expect "host show: its instances" "^$src +plant " redtrove host show "$host_id"
expect_error "drain on one host: the master is listed as not handed over, exit status 1" \
  'plant \(.*\): not handed over: no ACTIVE replica on a host that is not being drained' redtrove host drain "$host_id"
expect "host show: draining" 'draining since ' redtrove host show "$host_id"
created=$(api POST instances '{"instance":{"name":"nowhere","flavorRef":"1"}}' | json instance id)
errored() { out=$(api GET "instances/$1"); [ "$(json instance status <<<"$out")" = ERROR ]; }
wait_for 60 "a new instance finds no host while the only one is drained" errored "$created"
expect "its fault says why" 'not being drained' api GET "instances/$created"
expect "resume: it takes instances again" 'takes new instances' redtrove host resume "$host_id"
expect_error "a host nobody knows: one line" '^Error: Host no-such-host could not be found' redtrove host show no-such-host
