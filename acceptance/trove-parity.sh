#!/usr/bin/env bash
# Acceptance: Trove's resize and restart through the stock, unchanged clients (Debian's `trove` and
# `openstack database`) against a fresh `deploy/redtrove dev` (free ports, temporary data dir), with
# redis-cli reading what Redis itself reports: `trove resize-instance` and `openstack database
# instance resize flavor` change maxmemory on every member of the set without a restart (same pid),
# `trove resize-volume` and `openstack database instance resize volume` grow the volume shown on
# every member and a shrink is refused with Trove's message, `trove restart` and `openstack database
# instance restart` give a new redis-server with the same role and keys. Every check prints
# `ok - ...` or `not ok - ...`; the last line is `N passed, M failed`; the exit status is non-zero
# if anything failed. Configuration groups too: `trove configuration-parameter-list`, `-create` (a
# forbidden parameter refused), `-attach`, `-show`, `-list`, `-detach`, `-delete`, `trove create
# --configuration` and `openstack database configuration list/show`, with CONFIG GET read as the
# guest agent's own user (the tenant may not) from the password in the instance's redis.conf.
# Backups: `trove backup-create` (and `openstack database backup create`) of the master, read from its
# replica, `backup-list`, `backup-list-instance`, `backup-show`, an incremental one refused, `trove
# create --backup` (and `openstack database instance create --backup`) holding every key the master
# had when the backup was taken and none written after, and `backup-delete`.
#
# Needs: java, python3, redis-server and redis-cli, python3-troveclient, python3-openstackclient.
set -euo pipefail -o errtrace

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

while read -r var; do unset "$var"; done < <(compgen -v OS_ || true)
unset TROVE_BYPASS_URL REDISCLI_AUTH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redtrove-parity-acceptance.XXXXXX")
data=$tmp/data

# shellcheck source=acceptance/lib.sh
source "$top/acceptance/lib.sh"

trap 'err_line=$LINENO' ERR
trap finish_acceptance EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# show ID KEY...: a field of `trove --json show ID`
show() { local id=$1; shift; trove --json show "$id" 2>/dev/null | json "$@"; }
status_is() { out=$(trove --json show "$1" 2>&1); [ "$(json status <<<"$out")" = "$2" ]; }
both_active() { status_is "$master" ACTIVE && status_is "$replica" ACTIVE; }
port_of() { show "$1" port; }
password() { # password [ID]: a set's password (parity's by default), from the extension route (the stock clients do not show it)
  local token; token=$(openstack token issue -f value -c id)
  curl -s -H "X-Auth-Token: $token" "http://127.0.0.1:$port/v1.0/$OS_PROJECT_ID/instances/${1:-$master}/password" | json password; }
maxmemory() { rcli "$(port_of "$1")" "$pw" info memory | tr -d '\r' | awk -F: '$1 == "maxmemory" { print $2 }'; }
pid_of() { rcli "$(port_of "$1")" "$pw" info server | tr -d '\r' | awk -F: '$1 == "process_id" { print $2 }'; }
role_of() { rcli "$(port_of "$1")" "$pw" role | head -1; }
# agent_config ID NAME: CONFIG GET as the guest agent's user, whose password is in the instance's redis.conf
agent_config() {
  local conf="$data/guest/instances/$1/redis.conf" apw
  apw=$(sed -n 's/^user redtrove-agent on ">\([0-9a-f]*\)".*/\1/p' "$conf")
  redis-cli --no-auth-warning --user redtrove-agent --pass "$apw" -h 127.0.0.1 -p "$(port_of "$1")" config get "$2" | tail -1
}
config_is() { out="$2 $(agent_config "$1" "$2")"; [ "$out" = "$2 $3" ]; }
maxmemory_is() { out="maxmemory $(maxmemory "$1")"; [ "$out" = "maxmemory $2" ]; }
# troveclient prints the flavor as its id and the volume as its size
flavor_is() { out="flavor $(show "$1" flavor)"; [ "$out" = "flavor $2" ]; }
volume_is() { out="volume $(show "$1" volume)"; [ "$out" = "volume $2" ]; }

echo "# 1. dev mode, a master and a replica (at ${SECONDS} s)"
start_dev_mode
OS_PROJECT_ID=$(openstack token issue -f value -c project_id)
run trove --json create parity 1 --size 1
master=$(json id <<<"$out")
if [ "$rc" = 0 ] && [ "$master" != - ]; then ok "trove create parity"; else not_ok "trove create parity" "$(diag)"; fi
wait_for 90 "parity is ACTIVE" status_is "$master" ACTIVE
run trove --json create parity-r 1 --replica_of "$master"
replica=$(json id <<<"$out")
wait_for 120 "its replica is ACTIVE" status_is "$replica" ACTIVE
pw=$(password)
master_pid=$(pid_of "$master")
replica_pid=$(pid_of "$replica")
wait_for 10 "maxmemory is flavor 1's 128 MB" maxmemory_is "$master" $((128 * 1024 * 1024))

echo "# 2. resize a flavor (at ${SECONDS} s)"
expect "trove resize-instance parity 2" '^$|.*' trove resize-instance "$master" 2
wait_for 60 "both ACTIVE again" both_active
for id in "$master" "$replica"; do
  wait_for 10 "$(show "$id" name): flavor 2" flavor_is "$id" 2
  wait_for 10 "$(show "$id" name): maxmemory 512 MB, live" maxmemory_is "$id" $((512 * 1024 * 1024))
done
if [ "$(pid_of "$master")" = "$master_pid" ] && [ "$(pid_of "$replica")" = "$replica_pid" ]; then
  ok "no redis-server was restarted (pids $master_pid and $replica_pid)"
else not_ok "no redis-server was restarted" "pids before $master_pid $replica_pid, now $(pid_of "$master") $(pid_of "$replica")"; fi
expect "openstack database instance resize flavor parity-r 3" '^$|.*' \
  openstack database instance resize flavor "$replica" 3
wait_for 60 "both ACTIVE again" both_active
wait_for 10 "the master too: maxmemory 1024 MB" maxmemory_is "$master" $((1024 * 1024 * 1024))
expect_error "the same flavor again: Trove's message" "must be different than the current flavor id of '3'" \
  trove resize-instance "$master" 3

echo "# 3. resize a volume (at ${SECONDS} s)"
expect "trove resize-volume parity 2" '^$|.*' trove resize-volume "$master" 2
wait_for 60 "both ACTIVE again" both_active
wait_for 10 "parity-r shows volume 2" volume_is "$replica" 2
expect "openstack database instance resize volume parity 5" '^$|.*' \
  openstack database instance resize volume "$master" 5
wait_for 60 "both ACTIVE again" both_active
wait_for 10 "parity shows volume 5" volume_is "$master" 5
expect_error "a smaller volume is refused with Trove's message" \
  "must be larger than the current volume size of '5'" trove resize-volume "$master" 4
used_shown() { out=$(trove show "$master" 2>&1); grep -Eq '\| volume_used +\| [0-9.e-]+' <<<"$out"; }
wait_for 10 "trove show parity shows volume_used, what its guest measures" used_shown
budget_is() { out=$(grep -o '"diskBudgetBytes":[0-9]*' "$data/guest/instances/$1/instance.json"); [ "$out" = "\"diskBudgetBytes\":$2" ]; }
wait_for 10 "the guest holds parity-r's files to 5 GB" budget_is "$replica" $((5 * 1024 * 1024 * 1024))

echo "# 4. restart (at ${SECONDS} s)"
rcli "$(port_of "$master")" "$pw" set before-restart kept >/dev/null
expect "trove restart parity-r" '^$|.*' trove restart "$replica"
wait_for 90 "parity-r ACTIVE again" status_is "$replica" ACTIVE
if [ "$(pid_of "$replica")" != "$replica_pid" ]; then ok "parity-r runs a new redis-server"
else not_ok "parity-r runs a new redis-server" "pid still $replica_pid"; fi
expect "parity-r is still a replica" '^slave$' role_of "$replica"
expect "openstack database instance restart parity" '^$|.*' openstack database instance restart "$master"
wait_for 90 "parity ACTIVE again" status_is "$master" ACTIVE
expect "parity is still the master" '^master$' role_of "$master"
expect "its data is kept" '^kept$' rcli "$(port_of "$master")" "$pw" get before-restart

echo "# 5. configuration groups (at ${SECONDS} s)"
expect "trove configuration-parameter-list 7.0 --datastore redis lists maxmemory-policy and timeout" \
  'maxmemory-policy.*|timeout' trove configuration-parameter-list 7.0 --datastore redis
run trove configuration-parameter-list 7.0 --datastore redis
if grep -Eq '\| (dir|requirepass|replicaof|maxmemory) ' <<<"$out"; then not_ok "no parameter RedTrove owns is offered" "$(diag)"
else ok "no parameter RedTrove owns is offered (dir, requirepass, replicaof, maxmemory)"; fi
expect_error "a forbidden parameter is refused with the server's message" \
  "The configuration parameter dir is not supported" trove configuration-create bad '{"dir": "/tmp"}' --datastore redis
run trove --json configuration-create tuned '{"timeout": 300, "maxmemory-policy": "allkeys-lru"}' \
  --datastore redis --datastore_version 7.0 --description "for caches"
group=$(json id <<<"$out")
if [ "$rc" = 0 ] && [ "$group" != - ]; then ok "trove configuration-create tuned"
else not_ok "trove configuration-create tuned" "$(diag)"; fi
expect "trove configuration-list shows it" "tuned" trove configuration-list
expect "openstack database configuration show shows its values" 'allkeys-lru' \
  openstack database configuration show "$group"
expect "trove configuration-attach parity tuned" '^$|.*' trove configuration-attach "$master" "$group"
for id in "$master" "$replica"; do
  wait_for 30 "$(show "$id" name): timeout 300, live" config_is "$id" timeout 300
  wait_for 10 "$(show "$id" name): maxmemory-policy allkeys-lru" config_is "$id" maxmemory-policy allkeys-lru
done
expect "trove show parity names the group" "$group" trove show "$master"
expect "trove configuration-instances lists both members" "parity-r" trove configuration-instances "$group"
expect_error "a group in use cannot be deleted" "cannot be deleted if it is associated" \
  trove configuration-delete "$group"
run trove --json create parity-c 1 --size 1 --configuration "$group"
created=$(json id <<<"$out")
wait_for 90 "trove create --configuration: ACTIVE" status_is "$created" ACTIVE
wait_for 30 "and configured: timeout 300" config_is "$created" timeout 300
expect "trove configuration-detach parity" '^$|.*' trove configuration-detach "$master"
for id in "$master" "$replica"; do
  wait_for 30 "$(show "$id" name): Redis's default timeout 0 again" config_is "$id" timeout 0
done
expect "openstack database instance delete parity-c" '^$|.*' openstack database instance delete "$created"
gone_now() { out=$(trove show "$created" 2>&1); grep -q "No instance with a name or ID" <<<"$out"; }
wait_for 60 "parity-c is gone" gone_now
expect "trove configuration-delete tuned, once unused" '^$|.*' trove configuration-delete "$group"

echo "# 6. backups (at ${SECONDS} s)"
mport=$(port_of "$master")
for i in $(seq 1 300); do echo "SET bk:$i value-$i"; done | rcli "$mport" "$pw" >/dev/null
rcli "$mport" "$pw" hset bk:hash f1 one f2 two >/dev/null
rcli "$mport" "$pw" rpush bk:list a b c >/dev/null
rcli "$mport" "$pw" set bk:last written >/dev/null
replica_has_last() { out=$(rcli "$(port_of "$replica")" "$pw" get bk:last); [ "$out" = written ]; }
wait_for 30 "the replica has every key" replica_has_last
# every key and its value, sorted: strings, the hash and the list as redis-cli prints them
dataset() { # dataset ID PASSWORD
  local p pw=$2; p=$(port_of "$1")
  rcli "$p" "$pw" --scan | sort | while read -r key; do
    case $(rcli "$p" "$pw" type "$key") in
      string) printf '%s=%s\n' "$key" "$(rcli "$p" "$pw" get "$key")" ;;
      hash) printf '%s=%s\n' "$key" "$(rcli "$p" "$pw" hgetall "$key" | tr '\n' ' ')" ;;
      list) printf '%s=%s\n' "$key" "$(rcli "$p" "$pw" lrange "$key" 0 -1 | tr '\n' ' ')" ;;
      *) printf '%s=?\n' "$key" ;;
    esac
  done
}
before_backup=$(dataset "$master" "$pw")
run trove --json backup-create "$master" nightly --description "before the upgrade"
backup=$(json id <<<"$out")
# troveclient reads the backup again before it prints it (a missing attribute loads the resource),
# so the status it shows may already be a later one
if [ "$rc" = 0 ] && [ "$backup" != - ] && grep -Eq '^(NEW|BUILDING|COMPLETED)$' <<<"$(json status <<<"$out")"; then
  ok "trove backup-create parity nightly: $(json status <<<"$out")"
else not_ok "trove backup-create parity nightly" "$(diag)"; fi
backup_is() { out=$(trove --json backup-show "$1" 2>&1); [ "$(json status <<<"$out")" = "$2" ]; }
wait_for 90 "the backup is COMPLETED" backup_is "$backup" COMPLETED
size=$(json size_bytes <<<"$out")
if [ "$size" != - ] && [ "$size" -gt 0 ] && [ "$(json checksum <<<"$out" | wc -c)" = 65 ]; then
  ok "it has a size ($size bytes) and a SHA-256"
else not_ok "it has a size and a checksum" "$out"; fi
wait_for 30 "parity is ACTIVE again" status_is "$master" ACTIVE
rcli "$mport" "$pw" set after-backup "not in it" >/dev/null
expect "trove backup-list shows it" "nightly" trove backup-list
expect "trove backup-list-instance parity shows it" "nightly" trove backup-list-instance "$master"
expect "openstack database backup list shows it" "nightly" openstack database backup list
expect "openstack database backup show shows its datastore" "redis" openstack database backup show "$backup"
expect_error "an incremental backup is refused with the server's message" "Incremental backups are not supported" \
  trove backup-create "$master" again --incremental
run trove --json create parity-b 1 --size 1 --backup "$backup"
restored=$(json id <<<"$out")
if [ "$rc" = 0 ] && [ "$restored" != - ]; then ok "trove create parity-b --backup nightly"
else not_ok "trove create parity-b --backup nightly" "$(diag)"; fi
wait_for 120 "parity-b is ACTIVE" status_is "$restored" ACTIVE
after_restore=$(dataset "$restored" "$(password "$restored")")
if [ "$after_restore" = "$before_backup" ]; then
  ok "parity-b holds every key and value parity had at the backup ($(wc -l <<<"$before_backup") keys), and nothing later"
else not_ok "parity-b holds exactly the backup's keys" "$(diff <(echo "$before_backup") <(echo "$after_restore") | head -20)"; fi
run openstack database backup create second -i "$master" -f json
second=$(json id <<<"$out")
if [ "$rc" = 0 ] && [ "$second" != - ]; then ok "openstack database backup create second -i parity"
else not_ok "openstack database backup create second" "$(diag)"; fi
wait_for 90 "second is COMPLETED" backup_is "$second" COMPLETED
run openstack database instance create parity-o --flavor 1 --size 1 --datastore redis --backup "$second" -f json
from_second=$(json id <<<"$out")
if [ "$rc" = 0 ] && [ "$from_second" != - ]; then ok "openstack database instance create parity-o --backup second"
else not_ok "openstack database instance create parity-o --backup second" "$(diag)"; fi
wait_for 120 "parity-o is ACTIVE" status_is "$from_second" ACTIVE
expect "parity-o has the key written after the first backup" '^not in it$' \
  rcli "$(port_of "$from_second")" "$(password "$from_second")" get after-backup
expect "trove backup-delete nightly" '^$|.*' trove backup-delete "$backup"
expect "openstack database backup delete second" '^$|.*' openstack database backup delete "$second"
backup_gone() { out=$(trove backup-show "$1" 2>&1) && return 1; grep -qi "no backup" <<<"$out"; }
wait_for 30 "nightly is gone" backup_gone "$backup"
wait_for 30 "second is gone" backup_gone "$second"
if ls "$data/backups/"*.rdb >/dev/null 2>&1; then not_ok "the backup store is empty again" "$(ls -l "$data/backups")"
else ok "the backup store is empty again"; fi

