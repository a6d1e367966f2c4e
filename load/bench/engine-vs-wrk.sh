#!/usr/bin/env bash
# The load engine against wrk on a bare Kestrel endpoint, all on 127.0.0.1, in about a minute. harness-load calibrate
# starts the endpoint as a process of its own, then in each round runs wrk -t1, wrk -t2 and the engine (keep(copies=C)
# of one GET / step through RawHttpClient), C connections each, the engine first or last in turn. Short rounds, many
# of them: wrk and the engine then meet the same neighbours on a shared machine. It prints a table per round and the
# median of engine ÷ the best wrk run of each round, and exits 1 when that median is below 0.80: the engine would
# then be what limits a load run, not the harness under test. Writes bench-results/engine-vs-wrk.{txt,json}.
#
#   load/bench/engine-vs-wrk.sh
#   ROUNDS=3 DURATION=5s CONNECTIONS=64 WRK_THREADS=1,2 load/bench/engine-vs-wrk.sh
set -uo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-3s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-1,2}
MIN_RATIO=${MIN_RATIO:-0.8}

mkdir -p "$OUT"
# shellcheck source=lib.sh
source "$ROOT/load/bench/lib.sh"

log "wrk"
ensure_wrk || { echo "wrk is required: apt-get install -y wrk" >&2; exit 2; }

log "build (Release)"
timeout 600 dotnet build -c Release --nologo -v q "$ROOT/load/Harness.Load/Harness.Load.csproj" >"$OUT/engine-vs-wrk-build.log" 2>&1 \
  || { cat "$OUT/engine-vs-wrk-build.log" >&2; exit 1; }

log "calibrate: $ROUNDS rounds of $DURATION, $CONNECTIONS connections, wrk -t$WRK_THREADS; load average $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 900 dotnet "$ROOT/load/Harness.Load/bin/Release/net10.0/harness-load.dll" calibrate \
  --rounds "$ROUNDS" --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" --wrk-threads "$WRK_THREADS" \
  --min-ratio "$MIN_RATIO" --json "$OUT/engine-vs-wrk.json" | tee "$OUT/engine-vs-wrk.txt"
STATUS=${PIPESTATUS[0]}
echo "written: $OUT/engine-vs-wrk.txt, $OUT/engine-vs-wrk.json" >&2
exit "$STATUS"
