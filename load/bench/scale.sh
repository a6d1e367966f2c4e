#!/usr/bin/env bash
# Scale: a harness process grows a fleet through the EC2 API in stages (by default 1,000, 10,000 and 100,000
# m5.xlarge instances, ten secondary addresses on each interface, so a million at the end); after each stage
# harness-load scale reads the harness's resident memory from /proc and times DescribeNetworkInterfaces by id
# across everything made so far. The script then checks the harness's peak RSS (VmHWM) against 2 GiB.
# All on 127.0.0.1; about a minute and a half on two cores, build included.
# Writes bench-results/scale.json (the stages) and bench-results/scale.md.
#
#   load/bench/scale.sh
#   STAGES=1000,10000 PER_INTERFACE=2 load/bench/scale.sh
#
# Exit status: 0 when every stage ran without failures and the peak stayed within the limit.
set -uo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
STAGES=${STAGES:-1000,10000,100000}
PER_INTERFACE=${PER_INTERFACE:-10}
DESCRIBE_FOR=${DESCRIBE_FOR:-5s}
LIMIT_MIB=${LIMIT_MIB:-2048}
EC2_PORT=${EC2_PORT:-18580}
IMDS_PORT=${IMDS_PORT:-18581}

mkdir -p "$OUT"
LOAD_AT_START=$(cut -d" " -f1-3 /proc/loadavg)
# shellcheck source=lib.sh
source "$ROOT/load/bench/lib.sh"



log "build (Release): harness-load, and the harness with it"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/load/Harness.Load" >"$OUT/scale-build.log" 2>&1 \
  || { cat "$OUT/scale-build.log" >&2; exit 1; }
HARNESS=(dotnet "$ROOT/src/Harness.Host/bin/Release/net10.0/harness.dll")
LOAD=(dotnet "$ROOT/load/Harness.Load/bin/Release/net10.0/harness-load.dll")
for port in "$EC2_PORT" "$IMDS_PORT"; do
  port_free "$port" || { echo "port $port is in use; set EC2_PORT/IMDS_PORT" >&2; exit 1; }
done

log "start the harness (EC2 on 127.0.0.1:$EC2_PORT, metadata on :$IMDS_PORT)"
start_bg scale-harness "${HARNESS[@]}" serve --ec2-port "$EC2_PORT" --imds-port "$IMDS_PORT" --vcpu-limit "$VCPU_LIMIT" --seed 1
HARNESS_PID=${PGIDS[-1]}
wait_http "http://127.0.0.1:$EC2_PORT/_harness/health" 60 200 || { cat "$OUT/scale-harness.log" >&2; exit 1; }
own_server scale-harness "$HARNESS_PID" "harness is serving"
vm() { awk -v k="$1:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$HARNESS_PID/status"; }
RSS_IDLE=$(vm VmRSS)

log "scale: stages $STAGES, $PER_INTERFACE secondary addresses per interface, describe by id for $DESCRIBE_FOR after each"
START=$SECONDS
timeout 900 "${LOAD[@]}" scale --target "http://127.0.0.1:$EC2_PORT/" --harness-pid "$HARNESS_PID" --stages "$STAGES" \
  --addresses-per-interface "$PER_INTERFACE" --describe-for "$DESCRIBE_FOR" --json "$OUT/scale.json" \
  >"$OUT/scale-table.md" 2>"$OUT/scale-run.log"
RUN_STATUS=$?
ELAPSED=$((SECONDS - START))
PEAK=$(vm VmHWM)
RSS_END=$(vm VmRSS)
THREADS=$(awk '$1 == "Threads:" { print $2 }' "/proc/$HARNESS_PID/status")
stop_all

STATUS=0
{
  echo "## Scale: fleet growth in one harness process"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) cores; load average at start: $LOAD_AT_START; stages $STAGES with $PER_INTERFACE secondary addresses per interface; ${ELAPSED} s."
  echo
  cat "$OUT/scale-table.md"
  echo
  if [ -n "$PEAK" ]; then
    if [ "$PEAK" -le "$LIMIT_MIB" ]; then verdict="PASS"; else verdict="FAIL"; STATUS=1; fi
    echo "Harness peak RSS (VmHWM): **$PEAK MiB** against a limit of $LIMIT_MIB MiB: **$verdict** (idle after start $RSS_IDLE MiB, $RSS_END MiB at the end, $THREADS threads)."
  else
    echo "The harness was gone before its peak RSS could be read: **FAIL**."; STATUS=1
  fi
  if [ "$RUN_STATUS" != 0 ]; then
    echo
    echo "WARNING: harness-load scale exited with $RUN_STATUS (describe failures, or see $OUT/scale-run.log)."
    STATUS=1
  fi
} >"$OUT/scale.md"
cat "$OUT/scale.md"
echo "written: $OUT/scale.md, $OUT/scale.json" >&2
exit $STATUS
