#!/usr/bin/env bash
# The Alibaba ECS facade against moto's EC2 (moto has no Alibaba dialect; EC2 on moto is the nearest thing a user
# could run instead), the same operations through the same client (wrk with ecs/request.lua), servers taking turns
# cell by cell, ROUNDS times; the median round stands for a cell. Cells: describe one ENI by id at concurrency 1 and 8,
# and the remap pair (assign an address, unassign it; alternating) at concurrency 1 and 8 (eight connections, one wrk
# thread each, each moving an address of its own on the one ENI). Writes bench-results/ecs-vs-moto.md.
# A reply that is not 200 fails the cell. Calibrate the client first with load/bench/ec2-vs-moto.sh (harness-load
# calibrate): wrk's ceiling on this machine is there.
#
#   load/bench/ecs-vs-moto.sh
#   DURATION=10s MOTO_DURATION=5s ROUNDS=3 load/bench/ecs-vs-moto.sh
#
# Everything listens on and talks to 127.0.0.1 only; every process started here is killed on exit.
set -uo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
DURATION=${DURATION:-10s}
rm -f "$OUT/ecs-vs-moto-wrk.err"
MOTO_DURATION=${MOTO_DURATION:-5s}
ROUNDS=${ROUNDS:-3}
BASE_PORT=${BASE_PORT:-18280}
LUA="$ROOT/load/bench/ecs/request.lua"
mkdir -p "$OUT"
# shellcheck source=lib.sh
source "$ROOT/load/bench/lib.sh"
EC2_PORT=$BASE_PORT IMDS_PORT=$((BASE_PORT + 1)) ECS_PORT=$((BASE_PORT + 2)) MOTO_PORT=$((BASE_PORT + 3))
for port in "$EC2_PORT" "$IMDS_PORT" "$ECS_PORT" "$MOTO_PORT"; do
  port_free "$port" || { echo "port $port is in use; set BASE_PORT" >&2; exit 1; }
done
ensure_wrk || { echo "wrk is required" >&2; exit 1; }

log "build the harness (Release)"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/src/Harness.Host/Harness.Host.csproj" >"$OUT/bench-build.log" 2>&1 \
  || { cat "$OUT/bench-build.log" >&2; exit 1; }
start_bg harness dotnet "$ROOT/src/Harness.Host/bin/Release/net10.0/harness.dll" serve \
  --ec2-port "$EC2_PORT" --imds-port "$IMDS_PORT" --ecs-port "$ECS_PORT" --seed 1
wait_http "http://127.0.0.1:$EC2_PORT/_harness/health" 60 200 || { cat "$OUT/harness.log" >&2; exit 1; }
own_server harness "${PGIDS[-1]}" "harness is serving"
start_bg moto python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT"
wait_http "http://127.0.0.1:$MOTO_PORT/moto-api/" 60 || { cat "$OUT/moto.log" >&2; exit 1; }

# The same topology on both: a VPC, a /24, an interface (and on Alibaba a security group, which an ENI needs).
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
xml() { grep -o "<$1>[^<]*" | head -1 | cut -d'>' -f2; }
ECS="http://127.0.0.1:$ECS_PORT/?RegionId=cn-hangzhou&Format=JSON"
VPC=$(curl -s "$ECS&Version=2016-04-28&Action=CreateVpc&CidrBlock=10.0.0.0/16" | json '["VpcId"]')
VSW=$(curl -s "$ECS&Version=2016-04-28&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24" | json '["VSwitchId"]')
SG=$(curl -s "$ECS&Version=2014-05-26&Action=CreateSecurityGroup&VpcId=$VPC" | json '["SecurityGroupId"]')
ENI=$(curl -s "$ECS&Version=2014-05-26&Action=CreateNetworkInterface&VSwitchId=$VSW&SecurityGroupId=$SG" | json '["NetworkInterfaceId"]')
AUTH="AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0"
MOTO="http://127.0.0.1:$MOTO_PORT/?Version=2016-11-15"
MVPC=$(curl -s -H "Authorization: $AUTH" "$MOTO&Action=CreateVpc&CidrBlock=10.0.0.0/16" | xml vpcId)
MSUB=$(curl -s -H "Authorization: $AUTH" "$MOTO&Action=CreateSubnet&VpcId=$MVPC&CidrBlock=10.0.1.0/24" | xml subnetId)
MENI=$(curl -s -H "Authorization: $AUTH" "$MOTO&Action=CreateNetworkInterface&SubnetId=$MSUB" | xml networkInterfaceId)
[ -n "$ENI" ] && [ -n "$MENI" ] || { echo "set-up failed (harness ENI '$ENI', moto ENI '$MENI')" >&2; exit 1; }

HQ="Version=2014-05-26&RegionId=cn-hangzhou&Format=JSON"
MQ="Version=2016-11-15"
# cell NAME CONCURRENCY HARNESS-ENV MOTO-ENV [HARNESS-RESETS MOTO-RESETS]: one cell, ROUNDS rounds, the two servers
# taking turns; the reset queries (space-separated) run before each round. A write cell at concurrency above 1
# (SLOT_BASE in its environment) runs one wrk thread per connection, since each connection keeps its own address.
declare -A RESULT
cell() {
  local name=$1 c=$2 threads=1 round query
  [ "$c" -ge 2 ] && threads=2
  [[ "$3" == *SLOT_BASE=* ]] && threads=$c
  for round in $(seq "$ROUNDS"); do
    for target in harness moto; do
      local port=$ECS_PORT duration=$DURATION envs=$3 auth=""
      [ "$target" = moto ] && { port=$MOTO_PORT; duration=$MOTO_DURATION; envs=$4; auth=$AUTH; }
      # A write cell starts with the address free, whatever the last round ended on.
      for query in $([ "$target" = moto ] && echo "${6:-}" || echo "${5:-}"); do
        curl -s -o /dev/null ${auth:+-H "Authorization: $auth"} "http://127.0.0.1:$port/?$query"
      done
      line=$(env $envs ${auth:+AUTH="$auth"} timeout 120 wrk -t"$threads" -c"$c" -d"$duration" -s "$LUA" "http://127.0.0.1:$port/" 2>>"$OUT/ecs-vs-moto-wrk.err" | grep '^RESULT')
      echo "$name c=$c round $round $target: $line" >&2
      RESULT["$name/$c/$target"]+="$line"$'\n'
    done
  done
}

log "describe one ENI by id"
cell describe-by-id 1 "QUERY=$HQ&Action=DescribeNetworkInterfaces&NetworkInterfaceId.1=$ENI" "QUERY=$MQ&Action=DescribeNetworkInterfaces&NetworkInterfaceId.1=$MENI"
cell describe-by-id 8 "QUERY=$HQ&Action=DescribeNetworkInterfaces&NetworkInterfaceId.1=$ENI" "QUERY=$MQ&Action=DescribeNetworkInterfaces&NetworkInterfaceId.1=$MENI"
log "the remap pair: assign 10.0.1.50, unassign it"
cell assign-unassign 1 \
  "ASSIGN=$HQ&Action=AssignPrivateIpAddresses&NetworkInterfaceId=$ENI&PrivateIpAddress.1=10.0.1.50 UNASSIGN=$HQ&Action=UnassignPrivateIpAddresses&NetworkInterfaceId=$ENI&PrivateIpAddress.1=10.0.1.50" \
  "ASSIGN=$MQ&Action=AssignPrivateIpAddresses&NetworkInterfaceId=$MENI&PrivateIpAddress.1=10.0.1.50 UNASSIGN=$MQ&Action=UnassignPrivateIpAddresses&NetworkInterfaceId=$MENI&PrivateIpAddress.1=10.0.1.50" \
  "$HQ&Action=UnassignPrivateIpAddresses&NetworkInterfaceId=$ENI&PrivateIpAddress.1=10.0.1.50" \
  "$MQ&Action=UnassignPrivateIpAddresses&NetworkInterfaceId=$MENI&PrivateIpAddress.1=10.0.1.50"
log "the remap pair at concurrency 8: connection k moves 10.0.1.(60+k)"
resets() { local q=$1 eni=$2 k; for k in $(seq 0 7); do printf '%s ' "$q&Action=UnassignPrivateIpAddresses&NetworkInterfaceId=$eni&PrivateIpAddress.1=10.0.1.$((60 + k))"; done; }
cell assign-unassign 8 \
  "SLOT_BASE=60 ASSIGN=$HQ&Action=AssignPrivateIpAddresses&NetworkInterfaceId=$ENI&PrivateIpAddress.1=10.0.1.@SLOT@ UNASSIGN=$HQ&Action=UnassignPrivateIpAddresses&NetworkInterfaceId=$ENI&PrivateIpAddress.1=10.0.1.@SLOT@" \
  "SLOT_BASE=60 ASSIGN=$MQ&Action=AssignPrivateIpAddresses&NetworkInterfaceId=$MENI&PrivateIpAddress.1=10.0.1.@SLOT@ UNASSIGN=$MQ&Action=UnassignPrivateIpAddresses&NetworkInterfaceId=$MENI&PrivateIpAddress.1=10.0.1.@SLOT@" \
  "$(resets "$HQ" "$ENI")" "$(resets "$MQ" "$MENI")"

median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : 0)}'; }
field_of() { grep -o "$1=[0-9.]*" | cut -d= -f2; }
{
  echo "# The ECS facade against moto's EC2 ($(date -u +%Y-%m-%d), $(nproc) vCPUs, load at start $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "wrk (ecs/request.lua), $ROUNDS rounds, harness $DURATION and moto $MOTO_DURATION a round, servers taking turns; medians."
  echo
  echo "| cell | concurrency | harness req/s | moto req/s | ratio | harness p99 ms | non-200 (harness, moto) |"
  echo "|---|---|---|---|---|---|---|"
  for key in describe-by-id/1 describe-by-id/8 assign-unassign/1 assign-unassign/8; do
    h=$(printf '%s' "${RESULT[$key/harness]}" | field_of rps | median)
    m=$(printf '%s' "${RESULT[$key/moto]}" | field_of rps | median)
    p=$(printf '%s' "${RESULT[$key/harness]}" | field_of p99_ms | median)
    he=$(printf '%s' "${RESULT[$key/harness]}" | field_of non2xx | awk '{s+=$1} END {print s+0}')
    me=$(printf '%s' "${RESULT[$key/moto]}" | field_of non2xx | awk '{s+=$1} END {print s+0}')
    ratio=$(awk -v h="$h" -v m="$m" 'BEGIN { printf (m > 0 ? "%.0f×" : "n/a"), h / m }')
    echo "| ${key%/*} | ${key#*/} | $h | $m | $ratio | $p | $he, $me |"
  done
} | tee "$OUT/ecs-vs-moto.md"
