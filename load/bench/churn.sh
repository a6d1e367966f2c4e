#!/usr/bin/env bash
# Churn: the sustained assign/reassign/unassign rate a harness process takes on this machine with pollers
# running, and the harness's time-to-convergence error (lateness: seenAt − dueAt of every change it applied,
# p99), then the same churn from the same client against moto 5.2.1. moto has no per-instance metadata, so its
# runs have no pollers. Both servers are reset before each rate; after each run every interface is read back
# to count addresses that two interfaces hold at once (EC2 never allows that). A probe first checks what each
# server does with AllowReassignment, which moto accepts and ignores.
#
# harness-load churn --instances 200 (two floating addresses per interface), open model at 100, 250, 500,
# 1,000, 2,000 and 4,000 changes/s (moto: up to 2,000) for 20 s each after a 3 s warm-up; on the harness also
# --poll-interval 1s (200 reads/s) and the delay model below. Everything on 127.0.0.1; about 7 minutes on two
# cores, build included.
# Writes bench-results/churn/{harness,moto}-RATE/ (report.json and the rest), probe and holder JSON, churn.md.
#
#   load/bench/churn.sh
#   RATES=250,1000 MOTO_RATES=250 DURATION=10s load/bench/churn.sh
#   SKIP_MOTO=1 load/bench/churn.sh
#
# Exit status: 0 when every run completed (failed calls are figures, not errors), 1 otherwise.
set -uo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
# The top rate looks for the harness's ceiling; moto saturates near the bottom one, so it stops at 2,000.
RATES=${RATES:-100,250,500,1000,2000,4000}
MOTO_RATES=${MOTO_RATES:-100,250,500,1000,2000}
DURATION=${DURATION:-20s}
INSTANCES=${INSTANCES:-200}
POLL=${POLL:-1s}
DELAY=${DELAY:-lognormal(median=500ms,p99=3s)}
EC2_PORT=${EC2_PORT:-18680}
IMDS_PORT=${IMDS_PORT:-18681}
MOTO_PORT=${MOTO_PORT:-18655}
DIR="$OUT/churn"

mkdir -p "$OUT"
LOAD_AT_START=$(cut -d" " -f1-3 /proc/loadavg)
# shellcheck source=lib.sh
source "$ROOT/load/bench/lib.sh"



log "build (Release): harness-load, and the harness with it"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/load/Harness.Load" >"$OUT/churn-build.log" 2>&1 \
  || { cat "$OUT/churn-build.log" >&2; exit 1; }
HARNESS=(dotnet "$ROOT/src/Harness.Host/bin/Release/net10.0/harness.dll")
LOAD=(dotnet "$ROOT/load/Harness.Load/bin/Release/net10.0/harness-load.dll")
for port in "$EC2_PORT" "$IMDS_PORT" "$MOTO_PORT"; do
  port_free "$port" || { echo "port $port is in use; set EC2_PORT/IMDS_PORT/MOTO_PORT" >&2; exit 1; }
done
STATE=(python3 "$ROOT/load/bench/ec2_state.py")
HARNESS_URL="http://127.0.0.1:$EC2_PORT/"
MOTO_URL="http://127.0.0.1:$MOTO_PORT/"
rm -rf "$DIR" && mkdir -p "$DIR"

log "start the harness (EC2 on 127.0.0.1:$EC2_PORT, metadata on :$IMDS_PORT)"
start_bg churn-harness "${HARNESS[@]}" serve --ec2-port "$EC2_PORT" --imds-port "$IMDS_PORT" --vcpu-limit "$VCPU_LIMIT" --seed 1
HARNESS_PID=${PGIDS[-1]}
wait_http "${HARNESS_URL}_harness/health" 60 200 || { cat "$OUT/churn-harness.log" >&2; exit 1; }
own_server churn-harness "$HARNESS_PID" "harness is serving"

MOTO_VERSION=$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || echo missing)
MOTO_OK=0
if [ "${SKIP_MOTO:-0}" != 1 ] && [ "$MOTO_VERSION" != missing ]; then
  log "start moto $MOTO_VERSION on :$MOTO_PORT"
  start_bg churn-moto python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT"
  MOTO_PID=${PGIDS[-1]}
  wait_http "http://127.0.0.1:$MOTO_PORT/moto-api/" 60 && MOTO_OK=1 || warn "moto did not start; see $OUT/churn-moto.log"
  [ "$MOTO_OK" = 1 ] && own_server churn-moto "$MOTO_PID" "Running on"
elif [ "$MOTO_VERSION" = missing ]; then
  warn "moto is not installed (pip install 'moto[server]'): harness only"
fi

STATUS=0
reset() { curl -s -o /dev/null -X POST -H 'Content-Type: application/json' --max-time 30 "$1"; }

log "probe: AllowReassignment and unassigning what is not there"
timeout 60 "${STATE[@]}" probe "$HARNESS_URL" >"$DIR/probe-harness.json" || warn "harness probe failed"
[ "$MOTO_OK" = 1 ] && { timeout 60 "${STATE[@]}" probe "$MOTO_URL" >"$DIR/probe-moto.json" || warn "moto probe failed"; }

# cpu PID: seconds of CPU the process has used (user + system), from /proc.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# run NAME RATE URL SERVER_PID EXTRA...: one churn run after a reset, the CPU the server and the load tool used
# over it (set-up and warm-up included), then who holds what.
run() {
  local name=$1 rate=$2 url=$3 pid=$4; shift 4
  log "$name: churn at $rate/s for $DURATION"
  local before user sys start=$SECONDS TIMEFORMAT='%U %S'
  before=$(cpu "$pid")
  { time timeout 240 "${LOAD[@]}" churn --target "$url" --instances "$INSTANCES" --rate "$rate" --duration "$DURATION" \
    --report "$DIR/$name-$rate" --quiet "$@" >"$DIR/$name-$rate.log" 2>&1 ; } 2>"$DIR/$name-$rate.time" \
    || { warn "$name at $rate/s: harness-load failed (see $DIR/$name-$rate.log)"; STATUS=1; }
  read -r user sys <"$DIR/$name-$rate.time"
  printf '{"serverCpuS": %s, "loadCpuS": %s, "wallS": %s}\n' "$(awk -v a="$before" -v b="$(cpu "$pid")" 'BEGIN { printf "%.2f", b - a }')" \
    "$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN { printf "%.2f", u + s }')" "$((SECONDS - start))" >"$DIR/$name-$rate-cpu.json"
  timeout 120 "${STATE[@]}" holders "$url" >"$DIR/$name-$rate-holders.json" || warn "$name at $rate/s: could not read the interfaces back"
}

IFS=, read -ra RATE_LIST <<<"$RATES"
for rate in "${RATE_LIST[@]}"; do
  reset "${HARNESS_URL}_harness/reset"
  run harness "$rate" "$HARNESS_URL" "$HARNESS_PID" --poll-interval "$POLL" --delay "$DELAY"
done
if [ "$MOTO_OK" = 1 ]; then
  IFS=, read -ra MOTO_RATE_LIST <<<"$MOTO_RATES"
  for rate in "${MOTO_RATE_LIST[@]}"; do
    reset "http://127.0.0.1:$MOTO_PORT/moto-api/reset"
    run moto "$rate" "$MOTO_URL" "$MOTO_PID"
  done
else
  MOTO_RATES=""
fi
stop_all

python3 - "$DIR" "$RATES" "$MOTO_RATES" "$DURATION" "$MOTO_VERSION" "$LOAD_AT_START" "$POLL" "$DELAY" "$INSTANCES" >"$OUT/churn.md" <<'PY'
import json, os, re, sys
folder, rates, moto_rates, duration, moto_version, load, poll, delay, instances = sys.argv[1:10]
instances = int(instances)
seconds = float(re.match(r"[\d.]+", duration).group()) * (60 if duration.endswith("m") else 1)
CHURN = ("assign", "reassign", "unassign")

def read(name, rate):
    path = os.path.join(folder, f"{name}-{rate}", "report.json")
    if not os.path.exists(path):
        return None
    r = json.load(open(path))
    steps = {st["name"]: (s, st) for s in r["scenarios"] for st in s["steps"]}
    churn = [st for n, (s, st) in steps.items() if n in CHURN]
    # Sustained: calls completed inside the measured window, whatever was still queued after it.
    done = sum(p["ok"] + p["failed"] for st in churn for p in st["timeline"] if p["atSeconds"] <= seconds)
    ok = sum(p["ok"] for st in churn for p in st["timeline"] if p["atSeconds"] <= seconds)
    codes = {}
    for st in churn:
        for c in st["failuresByCode"]:
            codes[c["code"]] = codes.get(c["code"], 0) + c["count"]
    busy = next((int(m.group(1).replace(",", "")) for n in r["notes"] for m in [re.match(r"([\d,]+) churn copies found every address busy", n)] if m), 0)
    holders_path = os.path.join(folder, f"{name}-{rate}-holders.json")
    holders = json.load(open(holders_path)) if os.path.exists(holders_path) and os.path.getsize(holders_path) else None
    cpu_path = os.path.join(folder, f"{name}-{rate}-cpu.json")
    cpu = json.load(open(cpu_path)) if os.path.exists(cpu_path) else None
    c = r.get("convergence") or {}
    reads = steps.get("local-ipv4s")
    return {
        "rate": done / seconds, "okRate": ok / seconds,
        "calls": {n: steps[n][1]["count"] for n in CHURN if n in steps},
        "p50": max(st["latency"]["p50Ms"] for st in churn), "p99": max(st["latency"]["p99Ms"] for st in churn),
        "codes": codes, "dropped": sum(s["dropped"] for s in r["scenarios"]), "busy": busy,
        "reads": reads[1]["requestsPerSecond"] if reads else None,
        "readFailures": reads[1]["failed"] if reads else None,
        "lateness": (c.get("lateness") or {}), "converged": c.get("converged"), "changes": c.get("changes"),
        "superseded": c.get("superseded"), "unconverged": c.get("unconverged"), "ambiguous": c.get("ambiguous", 0),
        "shared": holders["shared"] if holders else None, "addresses": holders["addresses"] if holders else None,
        "cpu": cpu,
        "notes": [n for n in r["notes"] if not n.startswith("Topology") and "busy" not in n],
    }

def codes(x):
    return ", ".join(f"{k} {v:,}" for k, v in sorted(x["codes"].items(), key=lambda p: -p[1])) or "0"

def side(x, digits):
    if x is None:
        return ["–", "–", "–"]
    return [f"{x['rate']:,.0f}", f"{x['p50']:.{digits}f} / {x['p99']:.{digits}f}", codes(x)]

def shared(x, total):
    if x is None or x["shared"] is None:
        return "–"
    return f"{x['shared']:,} of {x['addresses']:,}" if total else f"{x['shared']:,}"

def probe(name):
    path = os.path.join(folder, f"probe-{name}.json")
    return json.load(open(path)) if os.path.exists(path) and os.path.getsize(path) else None

def answer(steps, i):
    if not steps:
        return ["–", "–"]
    s = steps[i]
    return [s["code"] or f"{s['status']} OK", " and ".join(s["xOn"]) or "none"]

rows = [(int(rate), read("harness", rate), read("moto", rate)) for rate in sorted({r for r in rates.split(",") + moto_rates.split(",") if r}, key=int)]
print(f"## Churn: harness vs moto {moto_version}, same client (harness-load churn)\n")
print(f"Run on 2 shared cores (load average at start {load}); {duration} per rate after a 3 s warm-up, open model, "
      f"{instances} m5.xlarge instances with 2 floating addresses each; the harness with pollers every {poll} and {delay}.\n")
print("| offered /s | harness ops/s | harness p50 / p99 ms | harness failures | moto ops/s | moto p50 / p99 ms | moto failures | moto busy copies | addresses on 2+ interfaces after (harness / moto) |")
print("|---:|---:|---|---|---:|---|---|---:|---|")
for rate, h, m in rows:
    busy = "–" if m is None else f"{m['busy']:,}"
    print("| " + " | ".join([f"{rate:,}", *side(h, 2), *side(m, 1), busy, f"{shared(h, False)} / {shared(m, True)}"]) + " |")
print("\nops/s: assign + reassign + unassign calls completed within the measured window; p50 / p99: the worst of the three calls. "
      f"Busy copies found all {instances * 2} addresses with a call in flight and did nothing (offered load the server could not take).\n")
print("| offered /s | pollers' reads/s (target 200) | read failures | changes made / converged / superseded / ambiguous / unconverged | harness lateness p50 / p99 / max ms | copies dropped |")
print("|---:|---:|---:|---|---|---:|")
for rate, h, m in rows:
    if h:
        late = h["lateness"]
        lat = f"{late['p50Ms']:.2f} / {late['p99Ms']:.2f} / {late['maxMs']:.1f}" if late else "–"
        print(f"| {rate:,} | {h['reads']:,.0f} | {h['readFailures']:,} | {h['changes']:,} / {h['converged']:,} / {h['superseded']:,} / {h['ambiguous']:,} / {h['unconverged']:,} | {lat} | {h['dropped']:,} |")
def cpu(x):
    if x is None or not x["cpu"]:
        return ["–", "–"]
    c = x["cpu"]
    return [f"{c['serverCpuS']:.1f} s", f"{c['loadCpuS']:.1f} s in {c['wallS']} s"]

print("\nCPU used over each run, set-up and warm-up included (two cores: at most 2 s of CPU per second):\n")
print("| offered /s | harness | load tool beside it | moto | load tool beside it |\n|---:|---:|---:|---:|---:|")
for rate, h, m in rows:
    print("| " + " | ".join([f"{rate:,}", *cpu(h), *cpu(m)]) + " |")
ph, pm = probe("harness"), probe("moto")
if ph or pm:
    print("\nOne address X moved between interfaces A and B (ec2_state.py probe); EC2 refuses the second, fourth and fifth calls and moves X on the third:\n")
    print("| call | harness answer | X then on | moto answer | X then on |\n|---|---|---|---|---|")
    for i, step in enumerate(ph or pm):
        print("| " + " | ".join([step["step"], *answer(ph, i), *answer(pm, i)]) + " |")
notes = [f"{name} at {rate}/s: {n}" for rate, h, m in rows for name, x in (("harness", h), ("moto", m)) if x for n in x["notes"]]
if notes:
    print()
    for n in notes:
        print(f"Note: {n}")
PY
cat "$OUT/churn.md"
echo "written: $OUT/churn.md and $DIR/" >&2
exit $STATUS
