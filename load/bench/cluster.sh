#!/usr/bin/env bash
# Cluster: what running the harness as three processes costs on one machine, against one process, with the same
# client in the same run. Two clusters share one redis-server: "one" (a single serve --cluster process) and "three"
# (three of them). harness-load ec2-bench takes turns between them cell by cell (--target the one, --versus the three,
# each EC2 call to the next of the three): in the three-process cluster every write is applied on all three before
# it is acknowledged, and a grain is often on another process than the request. Two cores cannot show
# a cluster's speed-up; this measures the price of sharing, and the share of grain calls that crossed processes (each
# process's /_harness/cluster grainCalls, before and after). Then the time from kill -9 of one of the three to its
# death declared by both others; then, in a third cluster of three processes with --state, the time from kill -9 of
# the process holding the most grains to every one of 60 interfaces answering a write again (cluster_kill.py, boto3).
# All on 127.0.0.1; about six minutes on two cores, build included.
# Writes bench-results/cluster/{one,three}.json (each round's rate; the table takes the median round) and
# bench-results/cluster.md.
#
#   load/bench/cluster.sh
#   DURATION=3s ROUNDS=1 load/bench/cluster.sh
#
# Exit status: 0 when every process started, the bench ran and the kill was declared within 30 s.
set -uo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-1,8}
BASE=${BASE:-18700}
DIR="$OUT/cluster"

mkdir -p "$DIR"
LOAD_AT_START=$(cut -d" " -f1-3 /proc/loadavg)
# shellcheck source=lib.sh
source "$ROOT/load/bench/lib.sh"

command -v redis-server >/dev/null || { echo "redis-server is required (apt-get install redis-server)" >&2; exit 1; }
log "build (Release): harness-load, and the harness with it"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/load/Harness.Load" >"$DIR/build.log" 2>&1 || { cat "$DIR/build.log" >&2; exit 1; }
HARNESS=(dotnet "$ROOT/src/Harness.Host/bin/Release/net10.0/harness.dll")
LOAD=(dotnet "$ROOT/load/Harness.Load/bin/Release/net10.0/harness-load.dll")
# Ports: redis BASE; process i (0 alone, 1-3 the three, 4-6 the durable three) EC2 BASE+10i+1, metadata +2, silo +3, gateway +4.
for port in $(seq "$BASE" $((BASE + 64))); do port_free "$port" || { echo "port $port is in use; set BASE" >&2; exit 1; }; done

log "redis-server on 127.0.0.1:$BASE"
start_bg cluster-redis redis-server --port "$BASE" --bind 127.0.0.1 --save "" --appendonly no
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$BASE") 2>/dev/null && break; sleep 0.1; done

# serve_process I CLUSTER-ID [MORE...]: one serve --cluster process on its ports; waits until it answers.
serve_process() {
  local p=$((BASE + 10 * $1)) i=$1 id=$2
  shift 2
  start_bg "cluster-$i" "${HARNESS[@]}" serve --cluster "redis://127.0.0.1:$BASE" --cluster-id "$id" \
    --ec2-port $((p + 1)) --imds-port $((p + 2)) --ecs-port $((p + 5)) --silo-port $((p + 3)) --gateway-port $((p + 4)) --vcpu-limit "$VCPU_LIMIT" --seed 1 "$@"
  wait_http "http://127.0.0.1:$((p + 1))/_harness/health" 60 200 || { cat "$OUT/cluster-$i.log" >&2; exit 1; }
  own_server "cluster-$i" "${PGIDS[-1]}" "harness is serving"
}

log "cluster 'one': one process; cluster 'three': three processes"
serve_process 0 one
for i in 1 2 3; do serve_process "$i" three; done
url() { echo "http://127.0.0.1:$((BASE + 10 * $1 + 1))/"; }
THREE="$(url 1),$(url 2),$(url 3)"

# calls_of I: "received fromOtherProcesses" of process I's harness grains so far.
calls_of() {
  curl -s "$(url "$1")_harness/cluster" | python3 -c 'import json,sys; c=json.load(sys.stdin)["grainCalls"]; print(c["received"], c["fromOtherProcesses"])'
}
BEFORE=$(for i in 1 2 3; do calls_of "$i"; done)

log "ec2-bench: one process ($DURATION per cell) and three ($DURATION) taking turns, $ROUNDS round(s)"
timeout 1200 "${LOAD[@]}" ec2-bench --target "$(url 0)" --label one --versus "$THREE" --versus-label three \
  --duration "$DURATION" --versus-duration "$DURATION" --concurrency "$CONCURRENCY" --rounds "$ROUNDS" --warm-pass 3s \
  --json "$DIR/one.json" --versus-json "$DIR/three.json" >"$DIR/bench.out" 2>"$DIR/bench.log"
BENCH_STATUS=$?
python3 "$ROOT/load/bench/cluster_table.py" "$DIR/one.json" "$DIR/three.json" >"$DIR/bench.md" 2>>"$DIR/bench.log" || BENCH_STATUS=1
AFTER=$(for i in 1 2 3; do calls_of "$i"; done)
CROSSED=$(paste <(echo "$BEFORE") <(echo "$AFTER") | awk '{ r += $3 - $1; o += $4 - $2 } END { if (r > 0) printf "%d of %d (%.0f %%)", o, r, 100 * o / r }')

log "kill -9 of one of the three; time until both others list it dead"
VICTIM=${PGIDS[2]}
SILO=$(curl -s "$(url 1)_harness/cluster" | python3 -c 'import json,sys; print(json.load(sys.stdin)["self"]["silo"])')
START_NS=$(date +%s%N)
kill -KILL "$VICTIM"
DECLARED=""
while [ $(( ($(date +%s%N) - START_NS) / 1000000 )) -lt 30000 ]; do
  seen=0
  for i in 2 3; do
    curl -s --max-time 2 "$(url "$i")_harness/cluster" | grep -q "\"silo\":\"$SILO\",\"status\":\"dead\"" && seen=$((seen + 1))
  done
  if [ "$seen" = 2 ]; then DECLARED=$(( ($(date +%s%N) - START_NS) / 1000000 )); break; fi
  sleep 0.05
done

log "cluster 'durable': three processes with --state; kill -9 of the one holding the most grains, until 60 interfaces answer"
for i in 4 5 6; do serve_process "$i" durable --state "redis://127.0.0.1:$BASE"; done
for _ in $(seq 100); do
  [ "$(curl -s "$(url 4)_harness/cluster" | grep -o '"status":"active"' | wc -l)" = 3 ] && break
  sleep 0.1
done
KILL_JSON=$(timeout 180 python3 "$ROOT/load/bench/cluster_kill.py" --urls "$(url 4),$(url 5),$(url 6)" \
  --pgids "${PGIDS[-3]},${PGIDS[-2]},${PGIDS[-1]}" --interfaces 60 2>"$DIR/kill.log")
KILL_STATUS=$?
echo "$KILL_JSON" >"$DIR/kill.json"
stop_all

STATUS=0
{
  echo "## Cluster: three processes against one, on one machine"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) cores; load average at start: $LOAD_AT_START; $DURATION per cell, $ROUNDS round(s), the two clusters taking turns."
  echo
  cat "$DIR/bench.md"
  echo
  if [ -n "$DECLARED" ]; then
    echo "kill -9 of one of the three: both others listed it dead after **$DECLARED ms**."
  else
    echo "kill -9 of one of the three: not declared dead by both others within 30 s: **FAIL**."; STATUS=1
  fi
  [ -n "$CROSSED" ] && echo && echo "Grain calls the three processes received during the bench that came from another process: **$CROSSED**."
  echo
  if [ "$KILL_STATUS" = 0 ]; then
    echo "With --state, kill -9 of the process holding the most grains: $(echo "$KILL_JSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sentence"])')."
  else
    echo "With --state, kill -9: not every interface answered within 60 s: **FAIL** (see $DIR/kill.log)."; STATUS=1
  fi
  [ "$BENCH_STATUS" = 0 ] || { echo; echo "WARNING: ec2-bench exited with $BENCH_STATUS (see $DIR/bench.log)."; STATUS=1; }
} >"$OUT/cluster.md"
cat "$OUT/cluster.md"
exit $STATUS
