#!/usr/bin/env bash
# Soak: a harness process under 30 minutes of instance and address churn with pollers, to show that it neither
# grows nor slows. harness-load mixed drives, against a `serve` it starts here: assign/reassign/unassign churn,
# instances launched and terminated (--launch-rate), describes, and a poller reading every instance's metadata.
# Terminated instances are forgotten after --terminated-retention (2m here, so that the half-hour reaches the
# steady state EC2's one hour would reach only after an hour). The harness's RSS is sampled every 10 s.
#
# Passes when, from minute 5 on, RSS is flat: its least-squares trend moves it by at most 10 % of its median over the
# window, and no sample rises more than 10 % above the median (a collection that gives memory back, dipping below,
# is not growth); and when the EC2 calls' p99 in the last five minutes is at most 1.5× (+1 ms) what it was in minutes
# 5–10 (no drift). soak_verdict.py judges a finished run's folder again. Everything on 127.0.0.1.
#
#   load/bench/soak.sh                         # 30 minutes
#   DURATION=6m load/bench/soak.sh             # a shorter look (windows scale with it)
#
# Writes bench-results/soak/{report.*, rss.csv, soak.md}. Exit status: 0 when both bars hold, 1 otherwise.
set -uo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
DURATION=${DURATION:-30m}
RATE=${RATE:-200}
LAUNCH_RATE=${LAUNCH_RATE:-20}
DESCRIBE_RATE=${DESCRIBE_RATE:-50}
INSTANCES=${INSTANCES:-200}
POLL=${POLL:-1s}
RETENTION=${RETENTION:-2m}
DELAY=${DELAY:-lognormal(median=500ms,p99=3s)}
EC2_PORT=${EC2_PORT:-18780}
IMDS_PORT=${IMDS_PORT:-18781}
DIR="$OUT/soak"

mkdir -p "$OUT"
# shellcheck source=lib.sh
source "$ROOT/load/bench/lib.sh"

log "build (Release): harness-load, and the harness with it"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/load/Harness.Load" >"$OUT/soak-build.log" 2>&1 \
  || { cat "$OUT/soak-build.log" >&2; exit 1; }
HARNESS=(dotnet "$ROOT/src/Harness.Host/bin/Release/net10.0/harness.dll")
LOAD=(dotnet "$ROOT/load/Harness.Load/bin/Release/net10.0/harness-load.dll")
for port in "$EC2_PORT" "$IMDS_PORT"; do
  port_free "$port" || { echo "port $port is in use; set EC2_PORT/IMDS_PORT" >&2; exit 1; }
done
rm -rf "$DIR" && mkdir -p "$DIR"

log "start the harness (EC2 on 127.0.0.1:$EC2_PORT, metadata on :$IMDS_PORT, terminated instances kept $RETENTION)"
start_bg soak-harness "${HARNESS[@]}" serve --ec2-port "$EC2_PORT" --imds-port "$IMDS_PORT" --vcpu-limit "$VCPU_LIMIT" \
  --terminated-retention "$RETENTION" --seed 1
HARNESS_PID=${PGIDS[-1]}
wait_http "http://127.0.0.1:$EC2_PORT/_harness/health" 60 200 || { cat "$OUT/soak-harness.log" >&2; exit 1; }
own_server soak-harness "$HARNESS_PID" "harness is serving"

# RSS every 10 s, from the process's own status, while the load runs.
echo "at_s,rss_kib" >"$DIR/rss.csv"
(
  began=$SECONDS
  while kill -0 "$HARNESS_PID" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$HARNESS_PID/status" 2>/dev/null)
    [ -n "$rss" ] && echo "$((SECONDS - began)),$rss" >>"$DIR/rss.csv"
    sleep 10
  done
) &
SAMPLER=$!

log "soak: mixed at $RATE changes/s, $LAUNCH_RATE launches/s, $DESCRIBE_RATE describes/s, $INSTANCES instances polled every $POLL, for $DURATION"
"${LOAD[@]}" mixed --target "http://127.0.0.1:$EC2_PORT/" --duration "$DURATION" --rate "$RATE" --launch-rate "$LAUNCH_RATE" \
  --describe-rate "$DESCRIBE_RATE" --instances "$INSTANCES" --poll-interval "$POLL" --delay "$DELAY" --warm-up 0s --settle 5s \
  --report "$DIR" --quiet >"$DIR/load.log" 2>&1
load_status=$?
kill "$SAMPLER" 2>/dev/null
[ "$load_status" = 0 ] || { echo "harness-load failed ($load_status):" >&2; tail -20 "$DIR/load.log" >&2; exit 1; }

python3 "$ROOT/load/bench/soak_verdict.py" "$DIR" "$DURATION"
