# Shared by the acceptance scripts: TAP-like reporting, and a dev mode of their own.
# Source it after setting $tmp (the script's scratch dir) and $data (dev mode's data dir).

# ---------------------------------------------------------------------------------------------
# Reporting: every check prints `ok - ...` or `not ok - ...`; $passed and $failed count them.

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
  failed=$((failed + 1))
  echo "not ok - $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/    /'; fi
}

# run CMD...: runs the command, never aborts; sets $rc, $out (stdout and stderr) and $last_cmd.
run() {
  last_cmd=$*
  rc=0
  out=$("$@" 2>&1) || rc=$?
}
# diag: the last command, its output and exit status, for a failure report.
diag() { printf '$ %s\n%s\n(exit status %s)' "$last_cmd" "$out" "$rc"; }

# expect WHAT REGEX CMD...: the command succeeds and its output matches REGEX (grep -E).
expect() {
  local what=$1 regex=$2; shift 2
  run "$@"
  if [ "$rc" = 0 ] && grep -Eq -- "$regex" <<<"$out"; then ok "$what"; else not_ok "$what" "$(diag)"; fi
}

# expect_error WHAT REGEX CMD...: the command fails and its output matches REGEX.
expect_error() {
  local what=$1 regex=$2; shift 2
  run "$@"
  if [ "$rc" != 0 ] && grep -Eq -- "$regex" <<<"$out"; then ok "$what"; else not_ok "$what" "$(diag)"; fi
}

# wait_for SECONDS WHAT CONDITION...: retries CONDITION (a command or function that leaves its
# evidence in $out) once a second until it holds.
wait_for() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then not_ok "$what (waited ${limit}s)" "$out"; return 0; fi
    sleep 1
  done
  ok "$what"
}

# ---------------------------------------------------------------------------------------------
# Reading answers

# json KEY... < JSON: the value at that path (list indexes as numbers); "-" when absent or not JSON;
# objects, lists, booleans and null printed as JSON.
json() {
  python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1:]:
    d = d[int(k)] if isinstance(d, list) else d.get(k, "-") if isinstance(d, dict) else "-"
print(json.dumps(d) if isinstance(d, (dict, list, bool)) or d is None else d)' "$@" 2>/dev/null || echo -
}

# rcli PORT PASSWORD ARGS...: redis-cli against a local instance, the password kept out of argv.
rcli() { local p=$1 pw=$2; shift 2; REDISCLI_AUTH=$pw redis-cli --no-auth-warning -h 127.0.0.1 -p "$p" "$@"; }

# ---------------------------------------------------------------------------------------------
# Dev mode

devpid=
dev_stopped() { out="pid $devpid still running"; ! kill -0 "$devpid" 2>/dev/null; }

# The redis-server processes dev mode started ($data is its data dir), and a wait_for check that
# none is left.
our_redis_pids() { # redis-server processes whose working directory is in our data dir
  local p cwd
  for p in $(pgrep -x redis-server || true); do
    cwd=$(readlink "/proc/$p/cwd" 2>/dev/null || true)
    case "$cwd" in "$data"/*) echo "$p" ;; esac
  done
}
no_redis_left() {
  local left
  left=$(our_redis_pids)
  out="still running: $(for p in $left; do ps -o pid=,args= -p "$p"; done)"
  [ -z "$left" ]
}

# start_dev_mode: dev mode on free ports ($port, $identity_port, $sentinel_port) with its log in $tmp/dev.log,
# waited for, and its openrc sourced.
start_dev_mode() {
  free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  port=$(free_port)
  identity_port=$(free_port)
  while [ "$identity_port" = "$port" ]; do identity_port=$(free_port); done
  sentinel_port=$(free_port)
  while [ "$sentinel_port" = "$port" ] || [ "$sentinel_port" = "$identity_port" ]; do sentinel_port=$(free_port); done
  deploy/redtrove dev --data-dir "$data" --port "$port" --identity-port "$identity_port" \
    --sentinel-port "$sentinel_port" >"$tmp/dev.log" 2>&1 &
  devpid=$!
  started() {
    out=$(tail -n 40 "$tmp/dev.log")
    grep -q "RedTrove is ready at http://127.0.0.1:$port, identity at http://127.0.0.1:$identity_port" "$tmp/dev.log" \
      && [ -f "$data/openrc" ]
  }
  dev_alive_and_started() {
    if ! kill -0 "$devpid" 2>/dev/null; then out="dev mode exited: $(tail -n 40 "$tmp/dev.log")"; return 0; fi
    started
  }
  wait_for 300 "dev mode starts on port $port, identity on port $identity_port" dev_alive_and_started
  if ! started; then not_ok "dev mode is not running; giving up"; exit 1; fi

  # shellcheck disable=SC1091
  source "$data/openrc"
  export TROVECLIENT_UUID_CACHE_DIR=$tmp/troveclient
}

# stop_dev_mode: SIGTERM, checked to stop within a minute (SIGKILL after that).
stop_dev_mode() {
  if [ -z "$devpid" ]; then return 0; fi
  if kill -0 "$devpid" 2>/dev/null; then
    kill -TERM "$devpid"
    wait_for 60 "dev mode stops on SIGTERM" dev_stopped
    if kill -0 "$devpid" 2>/dev/null; then kill -KILL "$devpid"; fi
    wait "$devpid" 2>/dev/null
  else
    not_ok "dev mode was no longer running at the end" "$(tail -n 40 "$tmp/dev.log")"
  fi
}

# finish_acceptance: the end of a script, as its EXIT trap (`trap finish_acceptance EXIT`, with
# `trap 'err_line=$LINENO' ERR`): an early stop reported as a failure, the script's own clean-up
# (a function `cleanup`, when it defines one), dev mode stopped and checked to leave no redis-server
# behind, the temporary dir removed unless something failed (or KEEP_LOGS=1), and the count line
# with the exit status.
finish_acceptance() {
  local status=$?
  trap - EXIT
  if [ "$status" != 0 ]; then not_ok "the script stopped early (exit status $status, line ${err_line:-?})"; fi
  if declare -F cleanup >/dev/null; then cleanup; fi
  if [ -n "$devpid" ]; then
    stop_dev_mode
    wait_for 15 "no redis-server started by dev mode is left running" no_redis_left
    for p in $(our_redis_pids); do kill -TERM "$p"; done
  fi
  if [ "$failed" = 0 ] && [ "${KEEP_LOGS:-}" != 1 ]; then rm -rf "$tmp"; else echo "# logs kept in $tmp"; fi
  echo "$passed passed, $failed failed"
  if [ "$failed" = 0 ]; then exit 0; else exit 1; fi
}
