#!/usr/bin/env bash
# Acceptance: OpenStack Tempest's database API tests (flavors, limits, versions) against RedTrove.
#
# Starts `deploy/redtrove dev` on free ports (the Trove API's and the identity service's) with a
# temporary data dir (honouring REDTROVE_JAR), creates a project and a member user for Tempest with
# the stock `openstack` client, configures Tempest (python3-tempest 33.0.0, Keystone v3 at the
# identity port, the database service from the catalog, pre-provisioned credentials) and runs the
# tests in acceptance/tempest/redtrove_tempest with stestr. Every check prints `ok - ...` or
# `not ok - ...`; the last line is `N passed, M failed`, and the exit status is non-zero if
# anything failed. Dev mode is stopped with SIGTERM at the end.
#
# Why our own test module: Debian's trove-tempest-plugin 1.5.0 ships only scenario tests (Nova,
# Neutron, Swift); the upstream API tests are not in it. acceptance/tempest/redtrove_tempest checks
# what those check, through Tempest's authentication and the plugin's TroveClient.
#
# Needs: java, Debian's python3 with python3-tempest and trove-tempest-plugin, python3-openstackclient.
set -euo pipefail -o errtrace

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

# Nothing from the caller's cloud configuration may leak in.
while read -r var; do unset "$var"; done < <(compgen -v OS_ || true)

# Debian's interpreter, which has tempest and the plugin (a pyenv or venv python3 may come first).
py=/usr/bin/python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redtrove-tempest.XXXXXX")
data=$tmp/data
export TROVECLIENT_UUID_CACHE_DIR=$tmp/troveclient

# ---------------------------------------------------------------------------------------------
# Reporting and dev mode

# shellcheck source=acceptance/lib.sh
source "$top/acceptance/lib.sh"

# ---------------------------------------------------------------------------------------------
# Processes

finish() {
  local status=$?
  set +e
  trap - EXIT
  if [ "$status" != 0 ]; then
    not_ok "the script stopped early (exit status $status, line ${err_line:-?})"
  fi
  stop_dev_mode
  if [ "$failed" = 0 ]; then rm -rf "$tmp"; else echo "# data dir, dev.log and the tempest workspace kept in $tmp"; fi
  echo "$passed passed, $failed failed"
  if [ "$failed" = 0 ]; then exit 0; else exit 1; fi
}
trap 'err_line=$LINENO' ERR
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
echo "# 1. dev mode"

start_dev_mode

# ---------------------------------------------------------------------------------------------
echo "# 2. a project and a member user for Tempest"

expect "openstack project create tempest" $'\\| name +\\| tempest' openstack project create tempest
expect "openstack user create tempest-user --project tempest" $'\\| name +\\| tempest-user' \
  openstack user create tempest-user --project tempest --password tempest-secret
expect "openstack role add --user tempest-user --project tempest member" "" \
  openstack role add --user tempest-user --project tempest member

# ---------------------------------------------------------------------------------------------
echo "# 3. Tempest"

ws=$tmp/tempest
mkdir -p "$ws/etc" "$ws/locks" "$ws/logs"
cat >"$ws/etc/accounts.yaml" <<EOF
- username: 'tempest-user'
  project_name: 'tempest'
  password: 'tempest-secret'
  domain_name: 'Default'
EOF
cat >"$ws/etc/tempest.conf" <<EOF
[DEFAULT]
log_dir = $ws/logs
log_file = tempest.log

[auth]
use_dynamic_credentials = False
test_accounts_file = $ws/etc/accounts.yaml
default_credentials_domain_name = Default

[identity]
uri_v3 = http://127.0.0.1:$identity_port/identity/v3
auth_version = v3
region = RegionOne

[identity-feature-enabled]
api_v2 = False

[service_available]
trove = True
nova = False
neutron = False
cinder = False
glance = False
swift = False

[database]
catalog_type = database
endpoint_type = publicURL
flavor_id = 1

[oslo_concurrency]
lock_path = $ws/locks
EOF

# stestr keeps its repository in the working directory, and no bytecode is written beside the
# tests: the checkout stays as it was.
tests=$top/acceptance/tempest
run env -C "$ws" PYTHONDONTWRITEBYTECODE=1 TEMPEST_CONFIG_DIR="$ws/etc" \
  "$py" -m stestr --test-path "$tests/redtrove_tempest" --top-dir "$tests" run --serial
stestr_out=$out
summary=$(grep -E '^ - (Passed|Failed|Skipped):' <<<"$stestr_out" | tr -d ' ' | paste -sd' ' - || true)
echo "# stestr: ${summary:-no summary}"

results=$(cd "$ws" && "$py" -m stestr last --subunit 2>/dev/null | subunit2csv 2>/dev/null | tail -n +2 || true)
if [ -z "$results" ]; then
  not_ok "tempest ran the database API tests" "$stestr_out"
else
  while IFS=, read -r test status _; do
    name=${test%%\[*}
    name=${name#redtrove_tempest.test_database_api.}
    case "$status" in
      success) ok "tempest $name" ;;
      skip) not_ok "tempest $name was skipped" "$stestr_out" ;;
      *) not_ok "tempest $name ($status)" "$(cd "$ws" && "$py" -m stestr failing 2>&1 | tail -n 60)" ;;
    esac
  done <<<"$results"
fi
if [ "$rc" = 0 ]; then ok "stestr run exits 0"; else not_ok "stestr run exits 0" "$(diag)"; fi

echo "# 4. stop dev mode"
# finish (the EXIT trap) stops dev mode with SIGTERM and prints the summary.
