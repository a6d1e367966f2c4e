#!/usr/bin/env bash
# EC2 harness vs moto, one run: calibrate the client (harness-load calibrate: the load engine beside wrk on a
# bare endpoint, at each concurrency), then the same workloads against both servers taking turns cell by cell,
# ROUNDS times (harness-load ec2-bench --versus), then the harness-only describe-scale sweep. Writes
# bench-results/ec2-vs-moto.md (harness-load ec2-report).
#
#   load/bench/ec2-vs-moto.sh
#   DURATION=10s MOTO_DURATION=5s ROUNDS=3 SCALE=100,1000,10000,100000 CALIBRATE_DURATION=5s CALIBRATE_ROUNDS=1 load/bench/ec2-vs-moto.sh
#
# Everything listens on and talks to 127.0.0.1 only; every phase has a time limit so the
# whole run stays under ~15 minutes, and every process started here is killed on exit.
set -uo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
DURATION=${DURATION:-10s}
MOTO_DURATION=${MOTO_DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-1,8}
SCALE=${SCALE:-100,1000,10000,100000}
CALIBRATE_DURATION=${CALIBRATE_DURATION:-5s}
CALIBRATE_ROUNDS=${CALIBRATE_ROUNDS:-1}
TRIVIAL_PORT=${TRIVIAL_PORT:-18099}
HARNESS_PORT=${HARNESS_PORT:-18080}
HARNESS_IMDS_PORT=${HARNESS_IMDS_PORT:-18081}
MOTO_PORT=${MOTO_PORT:-18055}

mkdir -p "$OUT"
LOAD_AT_START=$(cut -d" " -f1-3 /proc/loadavg)
# shellcheck source=lib.sh
source "$ROOT/load/bench/lib.sh"

for port in "$TRIVIAL_PORT" "$HARNESS_PORT" "$HARNESS_IMDS_PORT" "$MOTO_PORT"; do
  port_free "$port" || { echo "port $port is in use; set TRIVIAL_PORT/HARNESS_PORT/HARNESS_IMDS_PORT/MOTO_PORT" >&2; exit 1; }
done

log "wrk"
ensure_wrk || warn "calibrating without wrk"

log "build harness-load (Release)"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/load/Harness.Load/Harness.Load.csproj" >"$OUT/bench-build.log" 2>&1 \
  || { cat "$OUT/bench-build.log" >&2; exit 1; }
LOAD=(dotnet "$ROOT/load/Harness.Load/bin/Release/net10.0/harness-load.dll")

# One calibration per concurrency: the engine with C connections beside wrk (-t1, and -t2 where C allows), on a
# bare Kestrel endpoint that harness-load starts as a process of its own on $TRIVIAL_PORT.
CALIBRATIONS=()
rm -f "$OUT"/calibration-c*.json
if command -v wrk >/dev/null; then
  for c in ${CONCURRENCY//,/ }; do
    log "calibrate the client: $c connections, $CALIBRATE_ROUNDS round(s) of $CALIBRATE_DURATION"
    threads=1; [ "$c" -ge 2 ] && threads=1,2
    timeout 120 "${LOAD[@]}" calibrate --port "$TRIVIAL_PORT" --connections "$c" --wrk-threads "$threads" --rounds "$CALIBRATE_ROUNDS" \
      --duration "$CALIBRATE_DURATION" --warmup 1s --json "$OUT/calibration-c$c.json" >"$OUT/calibration-c$c.log" 2>&1 \
      || warn "calibration at $c connections failed or fell short of wrk; see $OUT/calibration-c$c.log"
    [ -f "$OUT/calibration-c$c.json" ] && CALIBRATIONS+=("$OUT/calibration-c$c.json")
  done
else
  warn "no wrk: calibration skipped"
fi

HARNESS_OK=0
log "build and start the harness on :$HARNESS_PORT"
rm -f "$OUT/harness.json" "$OUT/moto.json"
if timeout 300 dotnet build -c Release --nologo -v q "$ROOT/src/Harness.Host" >"$OUT/harness-build.log" 2>&1; then
  start_bg harness dotnet run -c Release --no-build --project "$ROOT/src/Harness.Host" -- serve --ec2-port "$HARNESS_PORT" --imds-port "$HARNESS_IMDS_PORT" --vcpu-limit "$VCPU_LIMIT"
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
  start_bg moto python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT"
  wait_http "http://127.0.0.1:$MOTO_PORT/moto-api/" 60 && MOTO_OK=1 || warn "moto did not start; see $OUT/moto.log"
else
  warn "moto is not installed (pip install 'moto[server]')"
fi

# The same client and settings against both, each with a fixture of its own, taking turns cell by cell ROUNDS times
# (the median round stands for a cell): both are measured on the machine as it is at that minute. moto gets a
# shorter window because it is two orders of magnitude slower and the window only has to hold enough samples.
if [ "$HARNESS_OK" = 1 ]; then
  VERSUS=()
  if [ "$MOTO_OK" = 1 ]; then
    VERSUS=(--versus "http://127.0.0.1:$MOTO_PORT/" --versus-label moto --versus-duration "$MOTO_DURATION" --versus-json "$OUT/moto.json")
    log "workloads: the harness ($DURATION per cell) and moto ($MOTO_DURATION) taking turns, $ROUNDS round(s); then describe-scale $SCALE"
  else
    log "workloads against the harness ($DURATION per cell), $ROUNDS round(s); then describe-scale $SCALE"
  fi
  timeout 1200 "${LOAD[@]}" ec2-bench --target "http://127.0.0.1:$HARNESS_PORT/" --label harness --duration "$DURATION" \
    --concurrency "$CONCURRENCY" --rounds "$ROUNDS" --describe-scale "$SCALE" --json "$OUT/harness.json" "${VERSUS[@]}" \
    || warn "the run reported failures"
fi

log "report"
CALIBRATION_LIST=$(IFS=,; echo "${CALIBRATIONS[*]}")
"${LOAD[@]}" ec2-report --harness "$OUT/harness.json" --moto "$OUT/moto.json" --calibration "$CALIBRATION_LIST" \
  --moto-version "$MOTO_VERSION" --note "Load average at start: $LOAD_AT_START." \
  --out "$OUT/ec2-vs-moto.md"
echo "written: $OUT/ec2-vs-moto.md" >&2

[ "$HARNESS_OK" = 1 ]
