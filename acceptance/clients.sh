#!/usr/bin/env bash
# Acceptance: the stock OpenStack clients against RedTrove.
#
# Starts `deploy/redtrove dev` on free ports (the Trove API's and the identity service's) with a
# temporary data dir (honouring REDTROVE_JAR),
# then drives it only through Debian's `trove` (python3-troveclient 8.0.0) and `openstack`
# (python3-openstackclient 6.0.0): catalog, create, replicas, promote, detach, eject, delete,
# errors, tenants, the legacy --bypass-url login, limits and quotas. Every check prints `ok - ...` or
# `not ok - ...` (with the command and its output); the last line is `N passed, M failed`, and the
# exit status is non-zero if anything failed. Dev mode is stopped with SIGTERM at the end, and the
# script checks that no redis-server it started is left running.
#
# Known client bug: `trove detach-replica` (and `trove update --detach_replica_source`) crash inside
# troveclient 8.0.0 before sending anything ('Instances' object has no attribute 'edit'; contract
# A.1), so detaching uses `openstack database instance detach`.
#
# Needs: java, python3, redis-server (as dev mode does), the two clients; redis-cli is optional.
set -euo pipefail -o errtrace

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

# Nothing from the caller's cloud configuration may leak in.
while read -r var; do unset "$var"; done < <(compgen -v OS_ || true)
unset TROVE_BYPASS_URL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redtrove-acceptance.XXXXXX")
data=$tmp/data
export TROVECLIENT_UUID_CACHE_DIR=$tmp/troveclient

# ---------------------------------------------------------------------------------------------
# Reporting and dev mode

# shellcheck source=acceptance/lib.sh
source "$top/acceptance/lib.sh"

# ---------------------------------------------------------------------------------------------
# Reading client output

# table [COLUMN...] < prettytable: the data rows as tab-separated cells (the named columns, or
# all), with troveclient 8.0.0's b'...' decoration removed.
PY_TABLE='
import signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
want, header, idx = sys.argv[1:], None, None
for line in sys.stdin:
    line = line.rstrip("\n")
    if not (line.startswith("|") and line.endswith("|")):
        continue
    cells = [c.strip() for c in line[1:-1].split("|")]
    cells = [c[2:-1] if len(c) >= 3 and c[0] == "b" and c[1] in "\x27\"" and c[-1] == c[1] else c
             for c in cells]
    if header is None:
        header = cells
        idx = [header.index(w) for w in want] if want else range(len(cells))
        continue
    print("\t".join(cells[i] for i in idx))
'
table() { python3 -c "$PY_TABLE" "$@" || true; }

# field NAME < "Property | Value" table: that row's value.
field() { table | awk -F'\t' -v k="$1" '$1 == k { print $2 }'; }

# load ID: `trove --json show ID`, parsed into id name status op_status replica_of replicas port
# ("-" when absent; replicas as sorted comma-separated ids).
PY_FIELDS='
import json, sys
d = json.load(sys.stdin)
def v(x):
    if x is None or x == "" or x == []:
        return "-"
    if isinstance(x, dict):
        x = x.get("id", "-")
    if isinstance(x, list):
        x = ",".join(i["id"] if isinstance(i, dict) else str(i) for i in x)
    x = str(x)
    return ",".join(sorted(p.strip() for p in x.split(","))) if "," in x else x
print(" ".join(v(d.get(k)) for k in
               ("id", "name", "status", "operating_status", "replica_of", "replicas", "port")))
'
load() {
  i_id=- i_name=- i_status=- i_op=- i_replica_of=- i_replicas=- i_port=-
  run trove --json show "$1"
  [ "$rc" = 0 ] || return 1
  read -r i_id i_name i_status i_op i_replica_of i_replicas i_port \
    < <(sed -n '/^{/,/^}/p' <<<"$out" | python3 -c "$PY_FIELDS") || return 1
}

# name ID: the instance's name, for messages
name() { load "$1" && echo "$i_name" || echo "$1"; }
declare -A name_of=()
nm() { echo "${name_of[${1:-?}]:-${1:-?}}"; }

ids() { printf '%s\n' "$@" | sort | paste -sd, -; }

# ---------------------------------------------------------------------------------------------
# Conditions (for wait_for); each leaves its evidence in $out

is_status() { # ID STATUS, by the table of `trove show`
  run trove show "$1"
  [ "$rc" = 0 ] && [ "$(field status <<<"$out")" = "$2" ]
}

osc_is_status() { # ID STATUS, by `openstack database instance show`
  run openstack database instance show "$1"
  [ "$rc" = 0 ] && [ "$(field status <<<"$out")" = "$2" ]
}

gone() { # ID: trove no longer knows it
  run trove show "$1"
  [ "$rc" != 0 ] && grep -q "No instance with a name or ID of" <<<"$out"
}

# set_is SOURCE [REPLICA...]: SOURCE replicates from nobody, lists exactly these replicas, and each
# of them names SOURCE as its replica_of; all ACTIVE.
set_is() {
  local source=$1 evidence r; shift
  local want=-
  [ $# -gt 0 ] && want=$(ids "$@")
  load "$source" || return 1
  evidence="$source: status=$i_status replica_of=$i_replica_of replicas=$i_replicas"
  if [ "$i_status" != ACTIVE ] || [ "$i_replica_of" != - ] || [ "$i_replicas" != "$want" ]; then
    out="$evidence (want replica_of=- replicas=$want)"; return 1
  fi
  for r in "$@"; do
    load "$r" || return 1
    evidence+=$'\n'"$r: status=$i_status replica_of=$i_replica_of"
    if [ "$i_status" != ACTIVE ] || [ "$i_replica_of" != "$source" ]; then
      out="$evidence (want replica_of=$source)"; return 1
    fi
  done
}

# ejected OLD A B: the replica set of OLD is now led by A or B, with the other and OLD (the old
# source, back after SIGCONT, rejoined as a replica) as its replicas.
new_source=
ejected() {
  local old=$1 a=$2 b=$3 evidence
  if set_is "$a" "$b" "$old"; then new_source=$a; return 0; fi
  evidence=$out
  if set_is "$b" "$a" "$old"; then new_source=$b; return 0; fi
  out="$evidence"$'\n'"$out"
  return 1
}

# ---------------------------------------------------------------------------------------------
# Processes

stopped=()   # redis-server pids we SIGSTOPped

redis_pid_of_port() {
  local p
  for p in $(our_redis_pids); do
    grep -Eq "redis-server .*:$1( |$)" <<<"$(tr '\0' ' ' <"/proc/$p/cmdline")" && echo "$p"
  done
  return 0
}

finish() {
  local status=$?
  set +e
  trap - EXIT
  if [ "$status" != 0 ]; then
    not_ok "the script stopped early (exit status $status, line ${err_line:-?})"
  fi
  for p in "${stopped[@]}"; do kill -CONT "$p" 2>/dev/null; done
  if [ -n "$devpid" ]; then
    stop_dev_mode
    wait_for 15 "no redis-server started by dev mode is left running" no_redis_left
    for p in $(our_redis_pids); do kill -TERM "$p"; done
  fi
  if [ "$failed" = 0 ]; then rm -rf "$tmp"; else echo "# data dir and dev.log kept in $tmp"; fi
  echo "$passed passed, $failed failed"
  if [ "$failed" = 0 ]; then exit 0; else exit 1; fi
}
trap 'err_line=$LINENO' ERR
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
echo "# 1. dev mode"

# Section 6 drives the operator's eject through the stock clients: with automatic failover on (the
# default), the set would have failed over on its own before the client is asked. SelfHealingTest
# and benchmarks/run cover automatic failover.
export REDTROVE_FAILOVER_AUTOMATIC=false
start_dev_mode
base=http://127.0.0.1:$port
identity=http://127.0.0.1:$identity_port
if [ "$OS_AUTH_URL" = "$identity/identity/v3" ]; then ok "openrc's OS_AUTH_URL is the identity port: $OS_AUTH_URL"
else not_ok "openrc's OS_AUTH_URL is the identity port" "OS_AUTH_URL=$OS_AUTH_URL"; fi

# ---------------------------------------------------------------------------------------------
echo "# 2. catalog: datastores, versions, flavors"

run trove datastore-list
if [ "$rc" = 0 ] && table Name <<<"$out" | grep -qx redis; then ok "trove datastore-list lists redis"
else not_ok "trove datastore-list lists redis" "$(diag)"; fi
run trove datastore-version-list redis
version=$(table Name <<<"$out" | head -n 1)
if [ "$rc" = 0 ] && [ -n "$version" ]; then ok "trove datastore-version-list redis lists version $version"
else not_ok "trove datastore-version-list redis lists a version" "$(diag)"; fi
run trove flavor-list
if [ "$rc" = 0 ] && table ID Name RAM <<<"$out" | grep -qx $'1\tredis.tiny\t128'; then
  ok "trove flavor-list lists flavor 1 redis.tiny (128 MB)"
else not_ok "trove flavor-list lists flavor 1 redis.tiny (128 MB)" "$(diag)"; fi
expect "openstack datastore list lists redis" $'\\| redis +\\|' openstack datastore list
run openstack datastore version list redis
if [ "$rc" = 0 ] && table Name Version <<<"$out" | grep -Eq "^$version"$'\t'"[0-9]+\.[0-9]+\.[0-9]+$"; then
  ok "openstack datastore version list redis shows $version with its full version number"
else not_ok "openstack datastore version list redis shows $version with its full version number" "$(diag)"; fi
run openstack database flavor list
if [ "$rc" = 0 ] && table ID Name RAM <<<"$out" | grep -qx $'1\tredis.tiny\t128'; then
  ok "openstack database flavor list lists flavor 1 redis.tiny"
else not_ok "openstack database flavor list lists flavor 1 redis.tiny" "$(diag)"; fi

# ---------------------------------------------------------------------------------------------
echo "# 3. errors"

expect_error "trove show of an unknown name: No instance with a name or ID" \
  "No instance with a name or ID of 'no-such-instance' exists" trove show no-such-instance
expect_error "openstack database instance show of an unknown name: No instance with a name or ID" \
  "No instance with a name or ID of 'no-such-instance' exists" openstack database instance show no-such-instance
expect_error "trove with a wrong password: requires authentication (HTTP 401)" \
  "requires authentication.*HTTP 401" env OS_PASSWORD=wrong-password trove list
expect_error "openstack with a wrong password: requires authentication (HTTP 401)" \
  "requires authentication.*HTTP 401" env OS_PASSWORD=wrong-password openstack database instance list

# ---------------------------------------------------------------------------------------------
echo "# 4. trove: create, list, show, replicas, promote"

run trove create acc-t 1 --size 1 --datastore redis --datastore_version "$version"
t=$(field id <<<"$out")
if [ "$rc" = 0 ] && [ "$(field name <<<"$out")" = acc-t ] && [[ $t =~ ^[0-9a-f-]{36}$ ]] \
   && [[ $(field status <<<"$out") =~ ^(BUILD|ACTIVE)$ ]] && [ "$(field datastore <<<"$out")" = redis ] \
   && [ "$(field datastore_version <<<"$out")" = "$version" ] && [ "$(field flavor <<<"$out")" = 1 ]; then
  ok "trove create acc-t: id $t, $(field status <<<"$out"), redis $version, flavor 1"
else not_ok "trove create acc-t" "$(diag)"; fi
t_password=$(field password <<<"$out")
t=${t:-acc-t}   # keep going by name if the id could not be read
wait_for 60 "trove show acc-t says ACTIVE" is_status "$t" ACTIVE

run trove list
if [ "$rc" = 0 ] && table ID Name Datastore "Datastore Version" Status "Flavor ID" Size <<<"$out" \
   | grep -qx "$t"$'\tacc-t\tredis\t'"$version"$'\tACTIVE\t1\t1'; then
  ok "trove list shows acc-t ACTIVE with datastore, version, flavor and size"
else not_ok "trove list shows acc-t ACTIVE" "$(diag)"; fi

run trove --json show "$t"
if [ "$rc" = 0 ] && python3 -c '
import json, sys
d = json.loads(sys.argv[1][sys.argv[1].index("{"):sys.argv[1].rindex("}") + 1])
assert d["id"] == sys.argv[2] and d["name"] == "acc-t", d
assert d["status"] == "ACTIVE" and d["operating_status"] == "HEALTHY", d
assert d["datastore"] == "redis" and d["datastore_version"] == sys.argv[3], d
assert str(d["flavor"]) == "1" and d["volume"] == 1, d
assert isinstance(d["port"], int) and d["ip"], d
assert "replica_of" not in d and "replicas" not in d, d
' "$out" "$t" "$version" >/dev/null 2>&1; then
  ok "trove --json show acc-t: id, name, ACTIVE/HEALTHY, redis $version, flavor, volume, ip and port"
else not_ok "trove --json show acc-t" "$(diag)"; fi

run trove create acc-t-rep 1 --replica_of acc-t --replica_count 2
if [ "$rc" = 0 ] && [ "$(field replica_of <<<"$out")" = "$t" ]; then
  ok "trove create acc-t-rep --replica_of acc-t --replica_count 2 answers a replica of acc-t"
else not_ok "trove create acc-t-rep --replica_of acc-t --replica_count 2" "$(diag)"; fi
load acc-t-rep-1 && t1=$i_id || t1=acc-t-rep-1
load acc-t-rep-2 && t2=$i_id || t2=acc-t-rep-2
run trove list
if [ "$rc" = 0 ] && [ "$(table Name <<<"$out" | grep -c '^acc-t-rep-[12]$')" = 2 ]; then
  ok "trove list shows the two replicas acc-t-rep-1 and acc-t-rep-2"
else not_ok "trove list shows the two replicas acc-t-rep-1 and acc-t-rep-2" "$(diag)"; fi
wait_for 60 "trove show acc-t-rep-1 says ACTIVE" is_status "$t1" ACTIVE
wait_for 60 "trove show acc-t-rep-2 says ACTIVE" is_status "$t2" ACTIVE
run trove show acc-t
if [ "$rc" = 0 ] && [ "$(field replicas <<<"$out" | tr -d ' ' | tr , '\n' | sort | paste -sd, -)" = "$(ids "$t1" "$t2")" ]; then
  ok "trove show acc-t lists both replicas"
else not_ok "trove show acc-t lists both replicas" "$(diag)"; fi
run trove show acc-t-rep-1
if [ "$rc" = 0 ] && [ "$(field replica_of <<<"$out")" = "$t" ]; then ok "trove show acc-t-rep-1 says replica_of acc-t"
else not_ok "trove show acc-t-rep-1 says replica_of acc-t" "$(diag)"; fi

expect "trove promote-to-replica-source acc-t-rep-1 is accepted" "" trove promote-to-replica-source acc-t-rep-1
wait_for 60 "after promote: acc-t-rep-1 is the source of acc-t and acc-t-rep-2" set_is "$t1" "$t" "$t2"

if command -v redis-cli >/dev/null && [ -n "$t_password" ]; then
  load "$t1"
  run redis-cli -h 127.0.0.1 -p "$i_port" --no-auth-warning -a "$t_password" info replication
  if [ "$rc" = 0 ] && grep -q '^role:master' <<<"$out" && grep -q '^connected_slaves:2' <<<"$out"; then
    ok "redis of acc-t-rep-1 is a master with 2 replicas (same password as acc-t)"
  else not_ok "redis of acc-t-rep-1 is a master with 2 replicas" "$(diag)"; fi
fi

# ---------------------------------------------------------------------------------------------
echo "# 5. openstack: list, show, create, replicas, detach, promote"

run openstack database instance list
roles=$(table Name Role <<<"$out" | sort | paste -sd' ' -)
if [ "$rc" = 0 ] && [ "$roles" = $'acc-t\treplica acc-t-rep-1\tprimary acc-t-rep-2\treplica' ]; then
  ok "openstack database instance list: Role primary for acc-t-rep-1, replica for the others"
else not_ok "openstack database instance list: Role column" "$(diag)"; fi
run openstack database instance show acc-t-rep-1
if [ "$rc" = 0 ] && [ "$(field id <<<"$out")" = "$t1" ] && [ "$(field status <<<"$out")" = ACTIVE ] \
   && [ "$(field datastore_version <<<"$out")" = "$version" ] \
   && [ "$(field replicas <<<"$out" | tr -d ' ' | tr , '\n' | sort | paste -sd, -)" = "$(ids "$t" "$t2")" ]; then
  ok "openstack database instance show acc-t-rep-1: ACTIVE, $version, replicas acc-t and acc-t-rep-2"
else not_ok "openstack database instance show acc-t-rep-1" "$(diag)"; fi

run openstack database instance create acc-o --flavor 1 --size 1 --datastore redis --datastore-version "$version"
o=$(field id <<<"$out")
o_password=$(field password <<<"$out")
if [ "$rc" = 0 ] && [ "$(field name <<<"$out")" = acc-o ] && [[ $o =~ ^[0-9a-f-]{36}$ ]] \
   && [[ $(field status <<<"$out") =~ ^(BUILD|ACTIVE)$ ]] && [ "$(field datastore <<<"$out")" = redis ] \
   && [ "$(field datastore_version <<<"$out")" = "$version" ]; then
  ok "openstack database instance create acc-o: id $o, $(field status <<<"$out"), redis $version"
else not_ok "openstack database instance create acc-o" "$(diag)"; fi
o=${o:-acc-o}
wait_for 60 "openstack database instance show acc-o says ACTIVE" osc_is_status "$o" ACTIVE

run openstack database instance create acc-o-rep --replica-of acc-o --replica-count 1
o_rep=$(field id <<<"$out")
o_rep=${o_rep:-acc-o-rep}
if [ "$rc" = 0 ] && [ "$(field name <<<"$out")" = acc-o-rep ] && [ "$(field replica_of <<<"$out")" = "$o" ]; then
  ok "openstack database instance create acc-o-rep --replica-of acc-o --replica-count 1"
else not_ok "openstack database instance create acc-o-rep --replica-of acc-o --replica-count 1" "$(diag)"; fi
wait_for 60 "acc-o-rep is an ACTIVE replica of acc-o" set_is "$o" "$o_rep"

expect "openstack database instance detach acc-o-rep is accepted" "" openstack database instance detach acc-o-rep
wait_for 60 "after detach: acc-o-rep is standalone" set_is "$o_rep"
wait_for 60 "after detach: acc-o has no replicas" set_is "$o"
if command -v redis-cli >/dev/null && [ -n "$o_password" ]; then
  load "$o_rep"
  run redis-cli -h 127.0.0.1 -p "$i_port" --no-auth-warning -a "$o_password" set acceptance detached
  if [ "$rc" = 0 ] && grep -q '^OK' <<<"$out"; then ok "redis of the detached acc-o-rep accepts writes"
  else not_ok "redis of the detached acc-o-rep accepts writes" "$(diag)"; fi
fi

run openstack database instance create acc-o-r2 --replica-of "$o" --replica-count 2
if [ "$rc" = 0 ] && [ "$(field replica_of <<<"$out")" = "$o" ]; then
  ok "openstack database instance create acc-o-r2 --replica-of acc-o --replica-count 2"
else not_ok "openstack database instance create acc-o-r2 --replica-of acc-o --replica-count 2" "$(diag)"; fi
load acc-o-r2-1 && o1=$i_id || o1=acc-o-r2-1
load acc-o-r2-2 && o2=$i_id || o2=acc-o-r2-2
wait_for 60 "acc-o-r2-1 and acc-o-r2-2 are ACTIVE replicas of acc-o" set_is "$o" "$o1" "$o2"

expect "openstack database instance promote acc-o-r2-1 is accepted" "" openstack database instance promote acc-o-r2-1
wait_for 60 "after promote: acc-o-r2-1 is the source of acc-o and acc-o-r2-2" set_is "$o1" "$o" "$o2"
run openstack database instance list
if [ "$rc" = 0 ] && table Name Role <<<"$out" | grep -qx $'acc-o-r2-1\tprimary' \
   && table Name Role <<<"$out" | grep -qx $'acc-o\treplica'; then
  ok "openstack database instance list: acc-o-r2-1 primary, acc-o replica"
else not_ok "openstack database instance list: acc-o-r2-1 primary, acc-o replica" "$(diag)"; fi

# ---------------------------------------------------------------------------------------------
echo "# 6. eject a failed source (its redis-server SIGSTOPped)"

# eject_failed CLIENT_CMD... SOURCE_ID: stop the source's Redis, wait for its heartbeat to lapse,
# then eject (retrying while the server still sees a current heartbeat).
eject_failed() {
  local source=${*: -1} pid deadline
  expect_error "$* of a healthy source is refused: it has a current heartbeat" \
    "cannot be ejected as it has a current heartbeat.*HTTP 400" "$@"
  load "$source"
  pid=$(redis_pid_of_port "$i_port")
  if [ -z "$pid" ] || [ "$(wc -w <<<"$pid")" != 1 ]; then
    not_ok "find the redis-server of $source on port $i_port" "pids: '$pid'"; return 0
  fi
  kill -STOP "$pid"
  stopped+=("$pid")
  sleep 5
  deadline=$((SECONDS + 20))
  run "$@"
  while [ "$rc" != 0 ] && grep -q "current heartbeat" <<<"$out" && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 2
    run "$@"
  done
  if [ "$rc" = 0 ]; then ok "$* is accepted once its redis-server (pid $pid) is stopped"
  else not_ok "$* once its redis-server (pid $pid) is stopped" "$(diag)"; fi
}
resume_stopped() {
  for p in "${stopped[@]}"; do kill -CONT "$p" 2>/dev/null || true; done
  stopped=()
}

eject_failed trove eject-replica-source acc-t-rep-1
resume_stopped
new_source=
wait_for 60 "after trove eject: acc-t or acc-t-rep-2 is the new source; the other and acc-t-rep-1, back after SIGCONT, its replicas" \
  ejected "$t1" "$t" "$t2"
t_source=${new_source:-$t}
t_replica=$([ "$t_source" = "$t" ] && echo "$t2" || echo "$t")
name_of[$t_source]=$(name "$t_source"); name_of[$t_replica]=$(name "$t_replica")

eject_failed openstack database instance eject acc-o-r2-1
resume_stopped
new_source=
wait_for 60 "after openstack eject: acc-o or acc-o-r2-2 is the new source; the other and acc-o-r2-1, back after SIGCONT, its replicas" \
  ejected "$o1" "$o" "$o2"
o_source=${new_source:-$o}
o_replica=$([ "$o_source" = "$o" ] && echo "$o2" || echo "$o")
name_of[$o_source]=$(name "$o_source"); name_of[$o_replica]=$(name "$o_replica")

# ---------------------------------------------------------------------------------------------
echo "# 7. tenants"

expect "openstack project create demo-acc" $'\\| name +\\| demo-acc' openstack project create demo-acc
expect "openstack user create demo-user --project demo-acc" $'\\| name +\\| demo-user' \
  openstack user create demo-user --project demo-acc --password demo-secret
expect "openstack role add --user demo-user --project demo-acc member" "" \
  openstack role add --user demo-user --project demo-acc member
run openstack project list
if [ "$rc" = 0 ] && [ "$(table Name <<<"$out" | sort | paste -sd' ' -)" = "admin demo-acc" ]; then
  ok "openstack project list: admin and demo-acc"
else not_ok "openstack project list: admin and demo-acc" "$(diag)"; fi
admin_project=$(table ID Name <<<"$out" | awk -F'\t' '$2 == "admin" { print $1 }')
run openstack user list
if [ "$rc" = 0 ] && [ "$(table Name <<<"$out" | sort | paste -sd' ' -)" = "admin demo-user" ]; then
  ok "openstack user list: admin and demo-user"
else not_ok "openstack user list: admin and demo-user" "$(diag)"; fi

demo() { OS_USERNAME=demo-user OS_PASSWORD=demo-secret OS_PROJECT_NAME=demo-acc "$@"; }
run demo openstack database instance create demo-inst --flavor 1 --size 1 --datastore redis --datastore-version "$version"
d=$(field id <<<"$out")
d=${d:-demo-inst}
if [ "$rc" = 0 ] && [ "$(field name <<<"$out")" = demo-inst ]; then ok "demo-user creates demo-inst"
else not_ok "demo-user creates demo-inst" "$(diag)"; fi
wait_for 60 "demo-user sees demo-inst ACTIVE" demo osc_is_status "$d" ACTIVE
run demo openstack database instance list
if [ "$rc" = 0 ] && [ "$(table ID Name <<<"$out")" = "$d"$'\tdemo-inst' ]; then
  ok "demo-user's openstack database instance list shows only demo-inst"
else not_ok "demo-user's openstack database instance list shows only demo-inst" "$(diag)"; fi
run demo trove list
if [ "$rc" = 0 ] && [ "$(table Name <<<"$out")" = demo-inst ]; then ok "demo-user's trove list shows only demo-inst"
else not_ok "demo-user's trove list shows only demo-inst" "$(diag)"; fi
run openstack database instance list
if [ "$rc" = 0 ] && table ID Name <<<"$out" | grep -qx "$d"$'\tdemo-inst' && table Name <<<"$out" | grep -qx acc-t; then
  ok "the admin's openstack database instance list shows demo-inst as well as acc-t"
else not_ok "the admin's openstack database instance list shows demo-inst as well as acc-t" "$(diag)"; fi
expect_error "demo-user cannot trove show the admin's acc-t" \
  "No instance with a name or ID of '$t' exists" demo trove show "$t"
expect_error "demo-user cannot openstack database instance show the admin's acc-t by name" \
  "No instance with a name or ID of 'acc-t' exists" demo openstack database instance show acc-t
expect_error "demo-user cannot trove delete the admin's acc-t" \
  "No instance with a name or ID of '$t' exists" demo trove delete "$t"
expect_error "demo-user cannot openstack database instance delete the admin's acc-t (404)" \
  "HTTP 404" demo openstack database instance delete "$t"
wait_for 5 "acc-t is still there and ACTIVE" is_status "$t" ACTIVE

expect "demo-user deletes demo-inst" "Request to delete database instance $d has been accepted" \
  demo openstack database instance delete demo-inst
wait_for 60 "demo-inst is gone" gone "$d"
expect "openstack user delete demo-user" "" openstack user delete demo-user
expect "openstack project delete demo-acc" "" openstack project delete demo-acc
run openstack user list
if [ "$rc" = 0 ] && [ "$(table Name <<<"$out")" = admin ]; then ok "openstack user list: demo-user is gone"
else not_ok "openstack user list: demo-user is gone" "$(diag)"; fi
run openstack project list
if [ "$rc" = 0 ] && [ "$(table Name <<<"$out")" = admin ]; then ok "openstack project list: demo-acc is gone"
else not_ok "openstack project list: demo-acc is gone" "$(diag)"; fi
expect_error "demo-user can no longer log in" "requires authentication.*HTTP 401" demo trove list

# ---------------------------------------------------------------------------------------------
echo "# 8. legacy --bypass-url login (contract C.4)"

run env OS_AUTH_URL="$identity/identity/v1.0" trove --bypass-url "$base/v1.0/$admin_project" list
if [ "$rc" = 0 ] && table ID Name Status <<<"$out" | grep -qx "$t"$'\tacc-t\tACTIVE'; then
  ok "trove --bypass-url $base/v1.0/<admin project> list shows acc-t"
else not_ok "trove --bypass-url .../v1.0/<admin project> list" "$(diag)"; fi

# ---------------------------------------------------------------------------------------------
echo "# 9. delete: replicas first, then sources"

expect_error "trove delete of the source $(nm "$t_source") while it has a replica is refused" \
  "replica.*HTTP 4[0-9][0-9]" trove delete "$t_source"
expect_error "openstack database instance delete of the source $(nm "$o_source") while it has a replica is refused" \
  "replica.*HTTP 4[0-9][0-9]" openstack database instance delete "$o_source"
run trove delete "$t_replica" acc-t-rep-1
if [ "$rc" = 0 ] && grep -q "Request to delete instance $t_replica has been accepted" <<<"$out" \
   && grep -q "Request to delete instance acc-t-rep-1 has been accepted" <<<"$out"; then
  ok "trove delete of the replicas $(nm "$t_replica") acc-t-rep-1 (two at once) is accepted"
else not_ok "trove delete of two replicas at once" "$(diag)"; fi
run openstack database instance delete "$o_replica" acc-o-r2-1
if [ "$rc" = 0 ] && [ "$(grep -c "Request to delete database instance .* has been accepted" <<<"$out")" = 2 ]; then
  ok "openstack database instance delete of the replicas $(nm "$o_replica") acc-o-r2-1 (two at once) is accepted"
else not_ok "openstack database instance delete of two replicas at once" "$(diag)"; fi
name_of[$t1]=acc-t-rep-1; name_of[$o1]=acc-o-r2-1; name_of[$o_rep]=acc-o-rep
for id in "$t_replica" "$t1" "$o_replica" "$o1"; do wait_for 60 "the replica $(nm "$id") is gone" gone "$id"; done
wait_for 60 "the source $(nm "$t_source") no longer lists replicas" set_is "$t_source"
wait_for 60 "the source $(nm "$o_source") no longer lists replicas" set_is "$o_source"
expect "trove delete of the source $(nm "$t_source")" "Request to delete instance $t_source has been accepted" \
  trove delete "$t_source"
run openstack database instance delete "$o_source" acc-o-rep
if [ "$rc" = 0 ] && [ "$(grep -c "Request to delete database instance .* has been accepted" <<<"$out")" = 2 ]; then
  ok "openstack database instance delete $(nm "$o_source") acc-o-rep (two at once) is accepted"
else not_ok "openstack database instance delete of two instances at once" "$(diag)"; fi
for id in "$t_source" "$o_source" "$o_rep"; do wait_for 60 "$(nm "$id") is gone" gone "$id"; done
run trove list
if [ "$rc" = 0 ] && [ -z "$(table ID <<<"$out")" ]; then ok "trove list is empty"
else not_ok "trove list is empty" "$(diag)"; fi
wait_for 30 "every deleted instance's redis-server has exited" no_redis_left

echo "# 10. limits and quotas"

run trove limit-list
# two tables: the ABSOLUTE limits, then one row per rate limit
if [ "$rc" = 0 ] && [ "$(field max_instances <<<"$out")" = 10 ] && grep -Eq "\| +1200 \| (b')?GET" <<<"$out"; then
  ok "trove limit-list: max_instances 10 and 1200 GET requests a minute"
else not_ok "trove limit-list: max_instances 10 and 1200 GET requests a minute" "$(diag)"; fi
expect "openstack database quota update admin instances 25" $'\\| instances +\\| 25' \
  openstack database quota update admin instances 25
run openstack database quota show admin
if [ "$rc" = 0 ] && table Resource "In Use" Limit <<<"$out" | grep -qx $'instances\t0\t25'; then
  ok "openstack database quota show admin: instances 0 in use of 25"
else not_ok "openstack database quota show admin: instances 0 in use of 25" "$(diag)"; fi
run trove quota-show "$admin_project"
if [ "$rc" = 0 ] && table Resource Limit <<<"$out" | grep -qx $'volumes\t40'; then
  ok "trove quota-show <admin project>: volumes 40"
else not_ok "trove quota-show <admin project>: volumes 40" "$(diag)"; fi

echo "# 11. stop dev mode"
# finish (the EXIT trap) stops dev mode with SIGTERM, checks for left-over redis-servers and
# prints the summary.
