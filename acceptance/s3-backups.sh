#!/usr/bin/env bash
# Acceptance: backups in S3-compatible object storage. s3rver (an S3 server for tests, installed
# with npm into a scratch dir) serves one bucket on a free port; `deploy/redtrove dev` runs with
# REDTROVE_BACKUPS_STORE=s3 pointing at it, the secret only in the environment. Through the stock
# `trove` client: a backup of an instance is COMPLETED with an s3:// locationRef, the object is in
# the bucket (s3rver's files) with the backup's size, `trove create --backup` gives an instance with
# every key and value the source had at the backup, and `trove backup-delete` removes the object.
# Every check prints `ok - ...` or `not ok - ...`; the last line is `N passed, M failed`; the exit
# status is non-zero if anything failed. Without node and npm it says so and checks nothing.
#
# Needs: java, python3, redis-server and redis-cli, python3-troveclient, python3-openstackclient,
# curl, node and npm (the npm registry reachable).
set -euo pipefail -o errtrace

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

while read -r var; do unset "$var"; done < <(compgen -v OS_ || true)
unset TROVE_BYPASS_URL REDISCLI_AUTH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redtrove-s3-acceptance.XXXXXX")
data=$tmp/data

# shellcheck source=acceptance/lib.sh
source "$top/acceptance/lib.sh"

s3pid=
cleanup() { if [ -n "$s3pid" ]; then kill "$s3pid" 2>/dev/null || true; wait "$s3pid" 2>/dev/null || true; fi; }
trap 'err_line=$LINENO' ERR
trap finish_acceptance EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "# skipped: no node/npm to run s3rver"
  exit 0
fi

echo "# 1. s3rver and dev mode on it (at ${SECONDS} s)"
run npm install --prefix "$tmp/node" --no-audit --no-fund --no-save --loglevel=error s3rver@3.7.1
if [ "$rc" = 0 ]; then ok "npm install s3rver@3.7.1"; else not_ok "npm install s3rver" "$(diag)"; exit 1; fi
s3port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bucket=redtrove-backups
mkdir -p "$tmp/s3"
"$tmp/node/node_modules/.bin/s3rver" -d "$tmp/s3" -a 127.0.0.1 -p "$s3port" --silent \
  --configure-bucket "$bucket" >"$tmp/s3rver.log" 2>&1 &
s3pid=$!
s3_up() { out=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$s3port/" 2>&1); [ "$out" != 000 ]; }
wait_for 30 "s3rver answers on port $s3port" s3_up

export REDTROVE_BACKUPS_STORE=s3
export REDTROVE_BACKUPS_S3_ENDPOINT=http://127.0.0.1:$s3port
export REDTROVE_BACKUPS_S3_BUCKET=$bucket
export REDTROVE_BACKUPS_S3_PREFIX=acceptance
export REDTROVE_BACKUPS_S3_ACCESS_KEY=S3RVER
export REDTROVE_BACKUPS_S3_SECRET_KEY=S3RVER # s3rver's own test credentials
start_dev_mode
unset REDTROVE_BACKUPS_S3_SECRET_KEY
OS_PROJECT_ID=$(openstack token issue -f value -c project_id)

status_is() { out=$(trove --json show "$1" 2>&1); [ "$(json status <<<"$out")" = "$2" ]; }
port_of() { trove --json show "$1" 2>/dev/null | json port; }
password() {
  local token; token=$(openstack token issue -f value -c id)
  curl -s -H "X-Auth-Token: $token" "http://127.0.0.1:$port/v1.0/$OS_PROJECT_ID/instances/$1/password" | json password; }
dataset() { # dataset ID: every key and its value, sorted
  local p pw; p=$(port_of "$1"); pw=$(password "$1")
  rcli "$p" "$pw" --scan | sort | while read -r key; do
    case $(rcli "$p" "$pw" type "$key") in
      string) printf '%s=%s\n' "$key" "$(rcli "$p" "$pw" get "$key")" ;;
      hash) printf '%s=%s\n' "$key" "$(rcli "$p" "$pw" hgetall "$key" | tr '\n' ' ')" ;;
      *) printf '%s=?\n' "$key" ;;
    esac
  done
}

echo "# 2. a backup to S3 (at ${SECONDS} s)"
run trove --json create s3src 1 --size 1
src=$(json id <<<"$out")
wait_for 90 "s3src is ACTIVE" status_is "$src" ACTIVE
pw=$(password "$src")
for i in $(seq 1 200); do echo "SET key:$i value-$i"; done | rcli "$(port_of "$src")" "$pw" >/dev/null
rcli "$(port_of "$src")" "$pw" hset h a 1 b 2 >/dev/null
before=$(dataset "$src")
run trove --json backup-create "$src" to-s3
backup=$(json id <<<"$out")
if [ "$rc" = 0 ] && [ "$backup" != - ]; then ok "trove backup-create s3src to-s3"; else not_ok "trove backup-create" "$(diag)"; fi
backup_is() { out=$(trove --json backup-show "$1" 2>&1); [ "$(json status <<<"$out")" = "$2" ]; }
wait_for 90 "the backup is COMPLETED" backup_is "$backup" COMPLETED
location=$(json locationRef <<<"$out")
size=$(json size_bytes <<<"$out")
if [ "$location" = "s3://$bucket/acceptance/$backup.rdb" ]; then ok "its locationRef is $location"
else not_ok "its locationRef is in the bucket" "$out"; fi
object=$(find "$tmp/s3/$bucket" -type f -name "$backup.rdb._S3rver_object" | head -1) # s3rver's file of the object's data
if [ -n "$object" ] && [ "$(stat -c %s "$object")" = "$size" ]; then ok "s3rver holds the object, $size bytes"
else not_ok "s3rver holds the object with the backup's size" "$(find "$tmp/s3" -type f | head; echo "size $size")"; fi
if grep -rq "S3RVER" "$tmp/dev.log" "$data"/*.properties 2>/dev/null; then not_ok "the S3 secret is in no log or file of dev mode"
else ok "the S3 secret is in no log or file of dev mode"; fi
if [ -d "$data/backups" ] && ls "$data/backups"/*.rdb >/dev/null 2>&1; then not_ok "nothing went to the local directory store"
else ok "nothing went to the local directory store"; fi

echo "# 3. a restore from S3 (at ${SECONDS} s)"
run trove --json create s3copy 1 --size 1 --backup "$backup"
copy=$(json id <<<"$out")
wait_for 120 "trove create s3copy --backup to-s3: ACTIVE" status_is "$copy" ACTIVE
after=$(dataset "$copy")
if [ "$after" = "$before" ]; then ok "s3copy holds every key and value of s3src at the backup ($(wc -l <<<"$before") keys)"
else not_ok "s3copy holds the backup's keys" "$(diff <(echo "$before") <(echo "$after") | head -20)"; fi

echo "# 4. delete (at ${SECONDS} s)"
expect "trove backup-delete to-s3" '^$|.*' trove backup-delete "$backup"
object_gone() { out=$(find "$tmp/s3/$bucket" -type f -path "*$backup.rdb*"); [ -z "$out" ]; }
wait_for 30 "the object is gone from the bucket" object_gone
