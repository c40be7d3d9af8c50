#!/usr/bin/env bash
# Acceptance: the multi-host layout brought up and torn down by `deploy/multihost`, as an operator
# runs it (root; the machine's PostgreSQL and RabbitMQ): three hosts that are network namespaces,
# two taskmanagers, two api processes behind one address. Through that address, with the stock
# `trove` client and curl: a set of a master and two replicas lands on three hosts, a key written
# to the master at its host's address is read on a replica on another host, one api process
# stopped leaves the address answering, and `down` leaves no process, redis-server or namespace
# behind. Needs root, ip, java, curl, python3, redis-cli, psql, the trove client and the build.
set -euo pipefail -o errtrace

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

while read -r var; do unset "$var"; done < <(compgen -v OS_ || true)
unset REDISCLI_AUTH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redtrove-multihost-acceptance.XXXXXX")
data=$tmp/data
devpid=

# shellcheck source=acceptance/lib.sh
source "$top/acceptance/lib.sh"

trap 'err_line=$LINENO' ERR
trap finish_acceptance EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${EUID:-$(id -u)}" != 0 ] || ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null \
    || ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  echo "ok - skipped: needs root, and PostgreSQL and RabbitMQ on this machine (as in .ci/run)"
  passed=$((passed + 1))
  exit 0
fi

db=redtrove_mh_$$
psql -h 127.0.0.1 -U postgres -q -c "create database $db" >/dev/null
cleanup() {
  deploy/multihost down --dir "$tmp/mh" >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -q -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
}
export REDTROVE_DB_URL="jdbc:postgresql://127.0.0.1:5432/$db?user=postgres"
export REDTROVE_AMQP_URL=amqp://guest:guest@127.0.0.1:5672
export REDTROVE_AMQP_PREFIX=mh-$$
port=$((20000 + RANDOM % 5000))
subnet=10.$((100 + RANDOM % 150)).$((RANDOM % 250)).0/24

echo "# 1. up (at ${SECONDS} s)"
expect "deploy/multihost --help" '^ +deploy/multihost up ' deploy/multihost --help
expect "up: three hosts, two taskmanagers, two apis behind one address" '^host mh-3 10\.[0-9.]+ up$' \
  deploy/multihost up --dir "$tmp/mh" --hosts 3 --port "$port" --subnet "$subnet" --bridge "rtmh$$"
printf '%s\n' "$out" | sed 's/^/    /'
expect "status: every process running" '^api-2 running' deploy/multihost status --dir "$tmp/mh"
# shellcheck disable=SC1091
source "$tmp/mh/openrc"
base=http://127.0.0.1:$port
curl -sS --max-time 15 -D "$tmp/login.headers" -o "$tmp/login.json" -H 'Content-Type: application/json' \
  -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"admin\",
       \"domain\": {\"id\": \"default\"}, \"password\": \"$OS_PASSWORD\"}}},
       \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}" "$OS_AUTH_URL/auth/tokens"
token=$(grep -i '^x-subject-token:' "$tmp/login.headers" | cut -d' ' -f2 | tr -d '\r')
project=$(json token project id <"$tmp/login.json")
api() { curl -sS --max-time 15 -X "$1" -H "X-Auth-Token: $token" -H 'Content-Type: application/json' ${3:+-d "$3"} \
  "$base/v1.0/$project/$2"; }
expect "the hosts, as the api lists them" '^3$' bash -c "curl -sS -H 'X-Auth-Token: $token' $base/v1.0/$project/mgmt/hosts \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"hosts\"]))'"

echo "# 2. a set over three hosts (at ${SECONDS} s)"
run trove --json create spread 1 --size 1
master=$(json id <<<"$out")
if [ "$rc" = 0 ] && [ "$master" != - ]; then ok "trove create, through the one address"; else not_ok "trove create" "$(diag)"; fi
active() { out=$(api GET "instances/$1"); [ "$(json instance status <<<"$out")" = ACTIVE ]; }
wait_for 180 "the master is ACTIVE" active "$master"
run trove --json create spread-r 1 --replica_of "$master" --replica_count 2
if [ "$rc" = 0 ]; then ok "trove create --replica_count 2"; else not_ok "trove create --replica_count 2" "$(diag)"; fi
replicas=$(api GET "instances/$master" | python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)["instance"].get("replicas", [])))')
for r in $replicas; do wait_for 180 "replica $r is ACTIVE" active "$r"; done
host_of() { api GET "instances/$1" | json instance ip 0; }
hosts_used=$(for i in $master $replicas; do host_of "$i"; done | sort -u | wc -l)
if [ "$hosts_used" = 3 ]; then ok "master and replicas on three hosts"
else not_ok "master and replicas on three hosts" "$(for i in $master $replicas; do host_of "$i"; done)"; fi
password=$(api GET "instances/$master/password" | json password)
master_ip=$(host_of "$master")
master_port=$(api GET "instances/$master" | json instance port)
REDISCLI_AUTH=$password redis-cli --no-auth-warning -h "$master_ip" -p "$master_port" set spread-key hello >/dev/null
replica=${replicas%% *}
replica_ip=$(host_of "$replica")
replica_port=$(api GET "instances/$replica" | json instance port)
replicated() {
  out=$(REDISCLI_AUTH=$password redis-cli --no-auth-warning -h "$replica_ip" -p "$replica_port" get spread-key 2>&1)
  [ "$out" = hello ]
}
wait_for 30 "a key written to the master at $master_ip is read on the replica at $replica_ip" replicated

echo "# 3. one api process stopped (at ${SECONDS} s)"
kill -TERM "$(cat "$tmp/mh/api-1.pid")"
stopped() { out=api-1; ! kill -0 "$(cat "$tmp/mh/api-1.pid")" 2>/dev/null; }
wait_for 60 "api-1 stopped" stopped
expect "the address still answers, through api-2" '^ACTIVE$' bash -c "for i in 1 2 3 4; do curl -sS --max-time 15 \
  -H 'X-Auth-Token: $token' $base/v1.0/$project/instances/$master | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"instance\"][\"status\"])'; done | sort -u"

echo "# 4. down (at ${SECONDS} s)"
started_pids=$(cat "$tmp"/mh/*.pid)
expect "down" '^multihost: down$' deploy/multihost down --dir "$tmp/mh"
if ip netns list | grep -q '^mh-'; then not_ok "no namespace left" "$(ip netns list)"; else ok "no namespace left"; fi
left=$(for f in "$tmp"/mh/mh-*/instances/*/redis.pid; do [ -e "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && echo "$f"; done || true)
if [ -z "$left" ]; then ok "no redis-server left"; else not_ok "no redis-server left" "$left"; fi
running=$(for p in $started_pids; do kill -0 "$p" 2>/dev/null && echo "$p"; done || true)
if [ -z "$running" ]; then ok "no process of the layout left"; else not_ok "no process of the layout left" "$running"; fi
