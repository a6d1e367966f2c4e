#!/usr/bin/env bash
# EC2 harness vs moto, one run: calibrate the client, then the same workloads against both
# servers, then the harness-only describe-scale sweep. Writes bench-results/ec2-vs-moto.md.
#
#   load/bench/ec2-vs-moto.sh
#   DURATION=10s MOTO_DURATION=5s SCALE=100,1000,10000,100000 load/bench/ec2-vs-moto.sh
#
# Everything listens on and talks to 127.0.0.1 only; every phase has a time limit so the
# whole run stays under ~10 minutes, and every process started here is killed on exit.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
DURATION=${DURATION:-10s}
MOTO_DURATION=${MOTO_DURATION:-5s}
CONCURRENCY=${CONCURRENCY:-1,8}
SCALE=${SCALE:-100,1000,10000,100000}
CALIBRATE_DURATION=${CALIBRATE_DURATION:-5s}
TRIVIAL_PORT=${TRIVIAL_PORT:-18099}
HARNESS_PORT=${HARNESS_PORT:-18080}
MOTO_PORT=${MOTO_PORT:-18055}

mkdir -p "$OUT"
LOAD_AT_START=$(cut -d" " -f1-3 /proc/loadavg)
PGIDS=()

log() { printf '\n== %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }

# Each server runs in its own session so the whole tree (dotnet run -> app) dies together.
start_bg() {
  local name=$1; shift
  setsid "$@" >"$OUT/$name.log" 2>&1 &
  PGIDS+=("$!")
  echo "$!"
}

cleanup() {
  local pgid
  for pgid in "${PGIDS[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for pgid in "${PGIDS[@]}"; do kill -0 -- "-$pgid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return
    sleep 0.5
  done
  for pgid in "${PGIDS[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_http URL SECONDS [expect-200]: any HTTP answer counts unless a 200 is demanded.
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

for port in "$TRIVIAL_PORT" "$HARNESS_PORT" "$MOTO_PORT"; do
  port_free "$port" || { echo "port $port is in use; set TRIVIAL_PORT/HARNESS_PORT/MOTO_PORT" >&2; exit 1; }
done

log "wrk"
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq wrk) >"$OUT/apt.log" 2>&1 || warn "could not install wrk (see $OUT/apt.log); calibrating without it"
  else
    warn "wrk missing and not root; calibrating without it"
  fi
fi

log "build Harness.Bench (Release)"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/load/Harness.Bench/Harness.Bench.csproj" >"$OUT/bench-build.log" 2>&1 \
  || { cat "$OUT/bench-build.log" >&2; exit 1; }
BENCH=(dotnet "$ROOT/load/Harness.Bench/bin/Release/net10.0/harness-bench.dll")

log "calibrate the client against a trivial endpoint"
start_bg trivial "${BENCH[@]}" trivial-server --port "$TRIVIAL_PORT" >/dev/null
if wait_http "http://127.0.0.1:$TRIVIAL_PORT/_harness/health" 30 200; then
  timeout 120 "${BENCH[@]}" calibrate --target "http://127.0.0.1:$TRIVIAL_PORT/" --duration "$CALIBRATE_DURATION" \
    --concurrency "$CONCURRENCY" --json "$OUT/calibration.json" || warn "calibration failed"
else
  warn "trivial server did not start"
fi
kill -TERM -- "-${PGIDS[-1]}" 2>/dev/null

HARNESS_OK=0
log "build and start the harness on :$HARNESS_PORT"
rm -f "$OUT/harness.json" "$OUT/moto.json"
if timeout 300 dotnet build -c Release --nologo -v q "$ROOT/src/Harness.Host" >"$OUT/harness-build.log" 2>&1; then
  start_bg harness dotnet run -c Release --no-build --project "$ROOT/src/Harness.Host" -- serve --ec2-port "$HARNESS_PORT" >/dev/null
  if wait_http "http://127.0.0.1:$HARNESS_PORT/_harness/health" 120 200; then
    HARNESS_OK=1
  else
    warn "harness not healthy after 120 s; see $OUT/harness.log"
  fi
else
  warn "harness build failed; see $OUT/harness-build.log"
fi

log "start moto on :$MOTO_PORT"
MOTO_VERSION=$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || echo missing)
MOTO_OK=0
if [ "$MOTO_VERSION" != missing ]; then
  start_bg moto python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" >/dev/null
  wait_http "http://127.0.0.1:$MOTO_PORT/moto-api/" 60 && MOTO_OK=1 || warn "moto did not start; see $OUT/moto.log"
else
  warn "moto is not installed (pip install 'moto[server]')"
fi

# The same client, settings and fixture against both; moto gets a shorter window because
# it is two orders of magnitude slower and the window only has to hold enough samples.
if [ "$HARNESS_OK" = 1 ]; then
  log "workloads against the harness ($DURATION per cell) + describe-scale $SCALE"
  timeout 420 "${BENCH[@]}" run --target "http://127.0.0.1:$HARNESS_PORT/" --label harness --duration "$DURATION" \
    --concurrency "$CONCURRENCY" --describe-scale "$SCALE" --json "$OUT/harness.json" || warn "harness run reported failures"
fi
if [ "$MOTO_OK" = 1 ]; then
  log "workloads against moto ($MOTO_DURATION per cell)"
  timeout 180 "${BENCH[@]}" run --target "http://127.0.0.1:$MOTO_PORT/" --label moto --duration "$MOTO_DURATION" \
    --concurrency "$CONCURRENCY" --json "$OUT/moto.json" || warn "moto run reported failures"
fi

log "report"
"${BENCH[@]}" report --harness "$OUT/harness.json" --moto "$OUT/moto.json" --calibration "$OUT/calibration.json" \
  --moto-version "$MOTO_VERSION" --note "Load average at start: $LOAD_AT_START." \
  --out "$OUT/ec2-vs-moto.md"
echo "written: $OUT/ec2-vs-moto.md" >&2

[ "$HARNESS_OK" = 1 ]
