#!/usr/bin/env bash
# Instance metadata benchmarks, one run (about 4 minutes), all on 127.0.0.0/8:
#  1. IMDS throughput: 10,000 instances registered through the EC2 API, then wrk against one instance's
#     macs/<mac>/local-ipv4s on its own 127.a.b.c, alternating with a bare Kestrel endpoint hosted the same
#     way and answering the same bytes and headers, Connection: close included (harness-load bare-imds).
#     Medians and harness ÷ bare.
#  2. Scheduler lateness: the control plane in-process on TimeProvider.System, 100,000 address changes
#     pending at once (uniform(5s,15s)), lateness = SeenAt − DueAt of every one; then the same run with
#     dedicated-thread timers (PreciseTimeProvider, what serve uses) against .NET's timer queue.
# Writes bench-results/imds.md and the JSON it is made from.
#
#   load/bench/imds.sh
#   ROUNDS=3 DURATION=10s WRK_THREADS=1 WRK_CONNECTIONS=32 INSTANCES=10000 load/bench/imds.sh
#   SKIP_THROUGHPUT=1 load/bench/imds.sh      # scheduler only;  SKIP_SCHEDULER=1: throughput only
#   PRECISE=0 load/bench/imds.sh              # without the dedicated-thread timer run
#
# Every phase has a time limit and every process started here is killed on exit.
set -uo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
INSTANCES=${INSTANCES:-10000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CHECK_DURATION=${CHECK_DURATION:-5s}
# One wrk thread: on two cores it leaves the server at least one core, and it runs at ~70 % of its core, so it
# is not what limits; a second thread (-t2) or more connections (-c64) add no throughput, only client CPU and
# latency (the client check in imds.md measures this each run). wrk keeps connections alive where the server
# lets it; the harness's IMDS answers Connection: close like EC2's, so both servers see a connect per request.
WRK_THREADS=${WRK_THREADS:-1}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_CHECK=${WRK_CHECK:-1x32,2x32,2x64}
EC2_PORT=${EC2_PORT:-18180}
IMDS_PORT=${IMDS_PORT:-18181}
BARE_PORT=${BARE_PORT:-18182}
CHANGES=${CHANGES:-100000}
SCHEDULER_INSTANCES=${SCHEDULER_INSTANCES:-1000}
DELAY=${DELAY:-uniform(5s,15s)}
PRECISE=${PRECISE:-1}

mkdir -p "$OUT"
LOAD_AT_START=$(cut -d" " -f1-3 /proc/loadavg)
# shellcheck source=lib.sh
source "$ROOT/load/bench/lib.sh"

log "build (Release)"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/src/Harness.Host" >"$OUT/imds-harness-build.log" 2>&1 \
  || { cat "$OUT/imds-harness-build.log" >&2; exit 1; }
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/load/Harness.Load/Harness.Load.csproj" >"$OUT/imds-bench-build.log" 2>&1 \
  || { cat "$OUT/imds-bench-build.log" >&2; exit 1; }
BENCH=(dotnet "$ROOT/load/Harness.Load/bin/Release/net10.0/harness-load.dll")
# The harness's GC settings (Harness.Host.csproj: server GC without DATAS, with RetainVM), for what stands in for it or
# runs its control plane in-process here, so that the comparisons measure the code and not the collector.
HOST_GC=(env DOTNET_gcServer=1 DOTNET_gcConcurrent=1 DOTNET_GCDynamicAdaptationMode=0 DOTNET_GCRetainVM=1)
HARNESS=(dotnet "$ROOT/src/Harness.Host/bin/Release/net10.0/harness.dll")
rm -f "$OUT"/imds-throughput.{json,md} "$OUT"/imds-scheduler*.{json,md}
STATUS=0

if [ "${SKIP_THROUGHPUT:-0}" != 1 ]; then
  log "wrk"
  ensure_wrk
  for port in "$EC2_PORT" "$IMDS_PORT" "$BARE_PORT"; do
    port_free "$port" || { echo "port $port is in use; set EC2_PORT/IMDS_PORT/BARE_PORT" >&2; exit 1; }
  done

  if command -v wrk >/dev/null; then
    log "start the harness (EC2 on 127.0.0.1:$EC2_PORT, IMDS on :$IMDS_PORT)"
    start_bg imds-harness "${HARNESS[@]}" serve --ec2-port "$EC2_PORT" --imds-port "$IMDS_PORT" --vcpu-limit "$VCPU_LIMIT" --seed 1 --propagation "fixed(1500ms)"
    HARNESS_PID=${PGIDS[-1]}
    wait_http "http://127.0.0.1:$EC2_PORT/_harness/health" 60 200 || { cat "$OUT/imds-harness.log" >&2; exit 1; }

    log "register $INSTANCES instances through the EC2 API"
    URL=$(timeout 300 "${BENCH[@]}" imds-fixture --target "http://127.0.0.1:$EC2_PORT/" --instances "$INSTANCES" \
      --out "$OUT/imds-fixture.json" --body-file "$OUT/imds-body.txt" --headers-file "$OUT/imds-headers.txt") || { echo "fixture failed" >&2; exit 1; }
    # The bare endpoint is asked on the same 127.a.b.c and path: only the port differs.
    BARE_URL=$(sed -E "s#^(http://[0-9.]+):$IMDS_PORT/#\\1:$BARE_PORT/#" <<<"$URL")

    log "start the bare endpoint on :$BARE_PORT (the harness's GC settings: server, concurrent, no DATAS, RetainVM; bare-imds runs its sockets as serve does)"
    start_bg imds-bare "${HOST_GC[@]}" "${BENCH[@]}" bare-imds --port "$BARE_PORT" \
      --body-file "$OUT/imds-body.txt" --headers-file "$OUT/imds-headers.txt"
    BARE_PID=${PGIDS[-1]}
    wait_http "$BARE_URL" 60 200 || { cat "$OUT/imds-bare.log" >&2; exit 1; }

    log "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS: client check, then $ROUNDS × $DURATION per server, alternating"
    timeout 600 "${BENCH[@]}" imds-throughput --harness-url "$URL" --harness-pid "$HARNESS_PID" --bare-url "$BARE_URL" --bare-pid "$BARE_PID" \
      --rounds "$ROUNDS" --duration "$DURATION" --warmup "$WARMUP" --threads "$WRK_THREADS" --connections "$WRK_CONNECTIONS" \
      --check "$WRK_CHECK" --check-duration "$CHECK_DURATION" --fixture "$OUT/imds-fixture.json" \
      --load "Load average at start: $LOAD_AT_START." --json "$OUT/imds-throughput.json" --md "$OUT/imds-throughput.md" >/dev/null \
      || { warn "throughput run failed or saw errors"; STATUS=1; }
  else
    warn "no wrk: throughput skipped"
    STATUS=1
  fi
  stop_all
fi

if [ "${SKIP_SCHEDULER:-0}" != 1 ]; then
  # The scheduler runs the control plane in this process, so it gets the host's GC settings.
  log "scheduler: $CHANGES changes pending at once, $DELAY, TimeProvider.System"
  "${HOST_GC[@]}" timeout 300 "${BENCH[@]}" scheduler --instances "$SCHEDULER_INSTANCES" --changes "$CHANGES" --delay "$DELAY" \
    --json "$OUT/imds-scheduler.json" --md "$OUT/imds-scheduler.md" >/dev/null || { warn "scheduler run failed"; STATUS=1; }
  if [ "$PRECISE" = 1 ]; then
    log "scheduler again with dedicated-thread timers (investigation)"
    "${HOST_GC[@]}" timeout 300 "${BENCH[@]}" scheduler --timer precise --instances "$SCHEDULER_INSTANCES" --changes "$CHANGES" --delay "$DELAY" \
      --json "$OUT/imds-scheduler-precise.json" --md "$OUT/imds-scheduler-precise.md" >/dev/null || warn "precise scheduler run failed"
  fi
fi

{
  echo "# Instance metadata: throughput and propagation lateness"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) cores, $(uname -sr), $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'); load average at start: $LOAD_AT_START."
  echo
  for part in imds-throughput imds-scheduler imds-scheduler-precise; do
    [ -f "$OUT/$part.md" ] && { cat "$OUT/$part.md"; echo; }
  done
} >"$OUT/imds.md"
cat "$OUT/imds.md"
echo "written: $OUT/imds.md" >&2
exit $STATUS
