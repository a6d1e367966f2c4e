#!/usr/bin/env bash
# Convergence fidelity: does what pollers see match the delay model the harness was given?
# The benchmark: with lognormal(median=500ms,p99=3s) and 10 ms polling over 10,000 changes, the observed
# time-to-convergence distribution is within KS distance 0.05 of the configured one after allowing for the
# polling granularity (the report compares with the model plus a uniform wait of up to one poll interval).
#
# A harness process (`harness serve`) and the load tool (`harness-load pollers --target`) run as separate
# processes on 127.0.0.1. The pollers workload paces the changes so that each instance has at most one in
# flight, so throughput is about instances / 0.7 s (the model's mean is 0.67 s): the duration is worked out
# from --changes. Every instance is read every 10 ms, each read a new connection (EC2's IMDS closes them): on
# two shared cores 30 instances (3,000 reads/s) fell behind in both runs tried, 20 (2,000 reads/s) kept up,
# so the default is 20 instances and a longer run (about 7 minutes for 10,000 changes). The script says when
# the pollers fell behind (reads/s under 95 % of instances / interval, or copies dropped).
# Writes bench-results/convergence-fidelity/ (report.json, .md, .html, CSVs) and convergence-fidelity.md.
#
#   load/bench/convergence-fidelity.sh
#   load/bench/convergence-fidelity.sh --changes 1000          # a quick check (about 2 minutes)
#   INSTANCES=10 load/bench/convergence-fidelity.sh            # fewer pollers if they fall behind
#
# Exit status: 0 when the KS distance is within 0.05, 1 when it is not or the run failed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
CHANGES=${CHANGES:-10000}
while [ $# -gt 0 ]; do
  case $1 in
    --changes) CHANGES=$2; shift 2 ;;
    --changes=*) CHANGES=${1#*=}; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument '$1' (only --changes N)" >&2; exit 2 ;;
  esac
done
case $CHANGES in ''|*[!0-9]*) echo "--changes must be a whole number" >&2; exit 2 ;; esac
INSTANCES=${INSTANCES:-20}
POLL=${POLL:-10ms}
DELAY=${DELAY:-lognormal(median=500ms,p99=3s)}
SETTLE=${SETTLE:-20s}
# Longer than the 3 s default: the first seconds of polling (JIT, thread pool, first connections) read slowly.
WARMUP=${WARMUP:-10s}
LIMIT=${LIMIT:-0.05}
# Seconds one change takes to go round (the model's mean plus a poll and an API call), and 10 % to spare.
CYCLE=${CYCLE:-0.7}
EC2_PORT=${EC2_PORT:-18480}
IMDS_PORT=${IMDS_PORT:-18481}
DURATION=$(python3 -c "import math; print(max(10, math.ceil($CHANGES * $CYCLE / $INSTANCES * 1.1)))")
# Four times the throughput: an instance whose change has just shown waits little for the next copy.
RATE=$((INSTANCES * 4))
REPORT="$OUT/convergence-fidelity"

mkdir -p "$OUT"
LOAD_AT_START=$(cut -d" " -f1-3 /proc/loadavg)
# shellcheck source=lib.sh
source "$ROOT/load/bench/lib.sh"



log "build (Release): harness-load, and the harness with it"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/load/Harness.Load" >"$OUT/convergence-fidelity-build.log" 2>&1 \
  || { cat "$OUT/convergence-fidelity-build.log" >&2; exit 1; }
HARNESS=(dotnet "$ROOT/src/Harness.Host/bin/Release/net10.0/harness.dll")
LOAD=(dotnet "$ROOT/load/Harness.Load/bin/Release/net10.0/harness-load.dll")
for port in "$EC2_PORT" "$IMDS_PORT"; do
  port_free "$port" || { echo "port $port is in use; set EC2_PORT/IMDS_PORT" >&2; exit 1; }
done

log "start the harness (EC2 on 127.0.0.1:$EC2_PORT, metadata on :$IMDS_PORT)"
start_bg convergence-fidelity-harness "${HARNESS[@]}" serve --ec2-port "$EC2_PORT" --imds-port "$IMDS_PORT" --vcpu-limit "$VCPU_LIMIT" --seed 1
HARNESS_PID=${PGIDS[-1]}
wait_http "http://127.0.0.1:$EC2_PORT/_harness/health" 60 200 || { cat "$OUT/convergence-fidelity-harness.log" >&2; exit 1; }
own_server convergence-fidelity-harness "$HARNESS_PID" "harness is serving"

log "pollers: $INSTANCES instances polled every $POLL, $DELAY, ${DURATION}s of changes (about $CHANGES) + $SETTLE settle"
rm -rf "$REPORT"
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
HARNESS_CPU=$(cpu "$HARNESS_PID")
START=$SECONDS
TIMEFORMAT='%U %S'
{ time timeout $((DURATION + 300)) "${LOAD[@]}" pollers --target "http://127.0.0.1:$EC2_PORT/" --delay "$DELAY" --poll-interval "$POLL" \
  --instances "$INSTANCES" --rate "$RATE" --duration "${DURATION}s" --settle "$SETTLE" --warm-up "$WARMUP" --report "$REPORT" --quiet \
  >"$OUT/convergence-fidelity-run.log" 2>&1 ; } 2>"$OUT/convergence-fidelity.time" || { cat "$OUT/convergence-fidelity-run.log" >&2; exit 1; }
# CPU seconds over the run (set-up included): the harness from /proc, the load tool from its rusage.
HARNESS_CPU=$(awk -v a="$HARNESS_CPU" -v b="$(cpu "$HARNESS_PID")" 'BEGIN { printf "%.1f", b - a }')
LOAD_CPU=$(awk '{ printf "%.1f", $1 + $2 }' "$OUT/convergence-fidelity.time")
WALL=$((SECONDS - START))
stop_all

python3 - "$REPORT/report.json" "$CHANGES" "$INSTANCES" "$POLL" "$LIMIT" "$LOAD_AT_START" "$HARNESS_CPU" "$LOAD_CPU" "$WALL" >"$OUT/convergence-fidelity.md" <<'PY'
import json, math, sys, re
path, wanted, instances, poll, limit, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5]), sys.argv[6]
harness_cpu, load_cpu, wall = float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
r = json.load(open(path))
c = r["convergence"]
steps = {(s["name"], st["name"]): (s, st) for s in r["scenarios"] for st in s["steps"]}
interval = c["pollIntervalMs"] / 1000
pollers, reads = steps[("pollers", "local-ipv4s")]
target = instances / interval
dropped = sum(s["dropped"] for s in r["scenarios"])
failed = sum(st["failed"] for s in r["scenarios"] for st in s["steps"])
clean = c["converged"] - c["overlapped"]
ks = c["ksDistance"]
critical = 1.358 / math.sqrt(clean) if clean else float("nan")
o, m, late = c["observed"], c["configured"] or {}, c.get("lateness") or {}
ok = ks is not None and ks <= limit
def ms(v): return "–" if v is None else f"{v:,.1f}"
print(f"## Convergence fidelity: {c['model']}, polled every {c['pollIntervalMs']:g} ms\n")
print(f"`{r['command']}` against a separate harness process; load average at start {load}.\n")
print("| | |\n|---|---:|")
print(f"| changes made (measured) | {c['changes']:,} |")
print(f"| converged (seen by a poller) | {c['converged']:,} |")
print(f"| clean samples (KS is over these) | {clean:,} |")
print(f"| superseded / unconverged / overlapped / ambiguous | {c['superseded']} / {c['unconverged']} / {c['overlapped']} / {c.get('ambiguous', 0)} |")
print(f"| KS distance (observed vs configured + a wait of up to {c['pollIntervalMs']:g} ms) | {ks} |")
print(f"| 5 % critical value, 1.358/√n | {critical:.4f} |")
print(f"| harness lateness p50 / p99 / max ms | {ms(late.get('p50Ms'))} / {ms(late.get('p99Ms'))} / {ms(late.get('maxMs'))} |")
print(f"| pollers' reads/s (target {target:,.0f}) | {reads['requestsPerSecond']:,.0f} ({reads['requestsPerSecond'] / target:.0%}) |")
print(f"| read p50 / p99 ms | {reads['latency']['p50Ms']:.2f} / {reads['latency']['p99Ms']:.2f} |")
print(f"| copies dropped / failed calls | {dropped:,} / {failed:,} |")
print(f"| CPU over the {wall} s run: harness / load tool | {harness_cpu:.0f} s ({harness_cpu / wall:.0%} of a core) / {load_cpu:.0f} s ({load_cpu / wall:.0%}) |")
print(f"| **result** | **{'PASS' if ok else 'FAIL'}**: KS {ks} {'≤' if ok else '>'} {limit} |")
print("\n| time to convergence, ms | p50 | p95 | p99 | max |\n|---|---:|---:|---:|---:|")
print(f"| observed (API reply → start of the first read that shows it) | {ms(o['p50Ms'])} | {ms(o['p95Ms'])} | {ms(o['p99Ms'])} | {ms(o['maxMs'])} |")
print(f"| configured model | {ms(m.get('p50Ms'))} | {ms(m.get('p95Ms'))} | {ms(m.get('p99Ms'))} | {ms(m.get('maxMs'))} (p99.99) |")
warnings = []
if c["converged"] < wanted:
    # The pace per minute shows whether it was slow throughout (slow reads) or slowed down (instances dropping out).
    minutes = {}
    for st in (st for s in r["scenarios"] if s["name"] == "changes" for st in s["steps"]):
        for p in st["timeline"]:
            minutes[int((p["atSeconds"] - 1) // 60)] = minutes.get(int((p["atSeconds"] - 1) // 60), 0) + p["ok"]
    pace = [minutes[k] / 60 for k in sorted(minutes) if (k + 1) * 60 <= r["scenarios"][0]["steps"][0]["timeline"][-1]["atSeconds"] and minutes[k]]
    warnings.append(f"only {c['converged']:,} changes converged, fewer than the {wanted:,} asked for ({instances}/0.7 s would give {instances / 0.7:.0f}/s); "
                    f"changes/s minute by minute: {', '.join(f'{x:.1f}' for x in pace)}; {c.get('ambiguous', 0)} changes were ambiguous")
if reads["requestsPerSecond"] < 0.95 * target or pollers["dropped"] > 0:
    warnings.append(f"the pollers fell behind: {reads['requestsPerSecond']:,.0f} reads/s of {target:,.0f} wanted, {pollers['dropped']:,} copies dropped, "
                    f"read p99 {reads['latency']['p99Ms']:.0f} ms, so some reads came later than every {c['pollIntervalMs']:g} ms (the load tool's pollers "
                    f"or the machine's other work: see the CPU line); rerun with fewer INSTANCES for a finer granularity")
fell_behind = any(w.startswith("the pollers fell behind") for w in warnings)
for n in r["notes"]:
    if not n.startswith("Topology") and "did nothing" not in n and not (fell_behind and n.startswith("The pollers fell behind")):
        warnings.append(n)
if warnings:
    print()
    for w in warnings:
        print(f"WARNING: {w}")
sys.exit(0 if ok else 1)
PY
STATUS=$?
cat "$OUT/convergence-fidelity.md"
echo "written: $OUT/convergence-fidelity.md and $REPORT/" >&2
exit $STATUS
