# Shared by the benchmark scripts (source it after setting OUT): logging, servers started in their own
# sessions and stopped as process groups, free-port checks, HTTP readiness waits, and wrk from Debian.

PGIDS=()

# The fleets here go far past EC2's default vCPU quota (the harness's default, 1152 per instance bucket): every
# harness started here is given this one, which no benchmark reaches.
VCPU_LIMIT=${VCPU_LIMIT:-100000000}

log() { printf '\n== %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }

# start_bg NAME COMMAND...: runs COMMAND in its own session, output to $OUT/NAME.log. setsid execs in place,
# so ${PGIDS[-1]} is both the group to stop and the server's PID (read for CPU time from /proc).
start_bg() {
  local name=$1; shift
  setsid "$@" >"$OUT/$name.log" 2>&1 &
  PGIDS+=("$!")
}

# stop_all: TERM every group started here, wait up to 5 s, then KILL what is left.
stop_all() {
  local pgid
  for pgid in "${PGIDS[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for pgid in "${PGIDS[@]}"; do kill -0 -- "-$pgid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pgid in "${PGIDS[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null; done
  PGIDS=()
}
trap stop_all EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_http URL SECONDS [200]: any HTTP answer counts unless a 200 is demanded.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) code
  while [ $SECONDS -lt $deadline ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    if [ "${3:-}" = 200 ]; then [ "$code" = 200 ] && return 0
    else [ -n "$code" ] && [ "$code" != 000 ] && return 0; fi
    sleep 0.5
  done
  return 1
}

# ensure_wrk: installs Debian's wrk when missing and this is root; warns otherwise (callers decide what to skip).
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq wrk) >"$OUT/apt.log" 2>&1 || warn "could not install wrk (see $OUT/apt.log)"
  else
    warn "wrk is missing and this is not root: apt-get install wrk"
  fi
  command -v wrk >/dev/null
}

# own_server NAME PID PATTERN: the health check answers for whatever holds the port, so wait until the process
# started here says it is serving (PATTERN in $OUT/NAME.log), and stop if it exits first. Without this, a second copy of
# a script started in the same minute passes the port check, fails to bind, and drives the first copy's server.
own_server() {
  local deadline=$((SECONDS + 60))
  until grep -q "$3" "$OUT/$1.log" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null && [ $SECONDS -lt $deadline ] || { echo "$1 is not the one serving (port taken?):" >&2; cat "$OUT/$1.log" >&2; exit 1; }
    sleep 0.2
  done
}
