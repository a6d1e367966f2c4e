#!/usr/bin/env bash
# Runs two real Alibaba Cloud clients from Debian against one harness: cloud-init's AliYun datasource
# (cloudinit_aliyun.py) and aliyungo's ECS and metadata clients (go/aliyungo_eni.go). Installs what is missing
# with apt, starts the harness through start-harness.sh (HARNESS_NO_BUILD=1 skips `dotnet build`), makes a
# network, a Running instance and a second ENI attached to it with plain RPC calls, runs both programs and
# prints `alibaba-clients: N passed, M failed` (their checks added up). Exit code 0 only when M = 0.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/alibaba-clients.XXXXXX")"
PASS=0
FAIL=0

cleanup() {
  harness_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

summary() { echo "alibaba-clients: $PASS passed, $FAIL failed"; }
die() { echo "  FAIL  alibaba-clients: $*"; FAIL=$((FAIL + 1)); summary; exit 1; }

# Debian's packages of the two clients (and the Go toolchain to build against aliyungo).
# Debian's cloud-init lives in /usr/lib/python3/dist-packages: run it with Debian's python, not a python3 earlier on PATH.
PY=/usr/bin/python3
missing=()
$PY -c 'import cloudinit.sources.DataSourceAliYun' 2>/dev/null || missing+=(cloud-init)
command -v go >/dev/null 2>&1 || missing+=(golang-go)
[ -d /usr/share/gocode/src/github.com/denverdino/aliyungo/ecs ] || missing+=(golang-github-denverdino-aliyungo-dev)
if [ ${#missing[@]} -gt 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >"$WORK/apt.log" 2>&1 \
    || { tail -20 "$WORK/apt.log"; die "apt-get install ${missing[*]} failed"; }
fi

# Build first: a compile error is reported before a harness is started for nothing.
mkdir -p "$WORK/gopath/src/aliyungoeni"
cp "$HERE/go/aliyungo_eni.go" "$WORK/gopath/src/aliyungoeni/"
(cd "$WORK/gopath/src/aliyungoeni" && GO111MODULE=off GOPATH="$WORK/gopath:/usr/share/gocode" GOCACHE="$WORK/gocache" \
   go build -o "$WORK/aliyungo-eni" .) || die "go build of go/aliyungo_eni.go failed"

# shellcheck source=../start-harness.sh
. "$ROOT/tests/conformance/start-harness.sh"
unset AWS_ENDPOINT_URL_EC2 # always a harness of our own: the checks below change its propagation settings
harness_start "$WORK/harness.log" || die "no harness"
CONTROL="$AWS_ENDPOINT_URL_EC2" # the control API (/_harness/…) is on the EC2 port
ECS="http://$HARNESS_ECS_ENDPOINT/"

# rpc VERSION ACTION [NAME=VALUE ...]: one unsigned RPC call (the harness accepts them); prints the JSON body.
rpc() {
  local version=$1 action=$2; shift 2
  local args=(-G "$ECS" --data-urlencode "Action=$action" --data-urlencode "Version=$version"
              --data-urlencode RegionId=cn-hangzhou --data-urlencode Format=JSON)
  for pair in "$@"; do args+=(--data-urlencode "$pair"); done
  curl -sS --fail-with-body "${args[@]}" || { echo "$action failed" >&2; return 1; }
}
# field PATH: reads a dotted path (list indexes as numbers) from the JSON on stdin.
field() { python3 -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[int(k)] if isinstance(v,list) else v[k]
print(v)' "$1"; }
# until_equal WANT COMMAND...: polls COMMAND's output until it is WANT, at most 30 s.
until_equal() {
  local want=$1 got=""; shift
  for _ in $(seq 1 300); do
    got="$("$@" 2>/dev/null)"
    [ "$got" = "$want" ] && return 0
    sleep 0.1
  done
  echo "still '$got' after 30 s, waiting for '$want': $*" >&2
  return 1
}

vpc=$(rpc 2016-04-28 CreateVpc CidrBlock=10.77.0.0/16 | field VpcId) || die "CreateVpc"
vsw=$(rpc 2016-04-28 CreateVSwitch VpcId="$vpc" ZoneId=cn-hangzhou-h CidrBlock=10.77.1.0/24 | field VSwitchId) || die "CreateVSwitch"
sg=$(rpc 2014-05-26 CreateSecurityGroup VpcId="$vpc" | field SecurityGroupId) || die "CreateSecurityGroup"
instance=$(rpc 2014-05-26 RunInstances InstanceType=ecs.g7.large ImageId=debian_12_x64 HostName=web-1 \
  VSwitchId="$vsw" SecurityGroupId="$sg" | field InstanceIdSets.InstanceIdSet.0) || die "RunInstances"
status_of() { rpc 2014-05-26 DescribeInstances "InstanceIds=[\"$instance\"]" | field Instances.Instance.0.Status; }
until_equal Running status_of || die "$instance never Running"
# A second ENI, attached, so that cloud-init sees more than one MAC.
eni=$(rpc 2014-05-26 CreateNetworkInterface VSwitchId="$vsw" SecurityGroupId="$sg" | field NetworkInterfaceId) || die "CreateNetworkInterface"
rpc 2014-05-26 AttachNetworkInterface NetworkInterfaceId="$eni" InstanceId="$instance" >/dev/null || die "AttachNetworkInterface"
eni_status() { rpc 2014-05-26 DescribeNetworkInterfaces NetworkInterfaceId.1="$eni" | field NetworkInterfaceSets.NetworkInterfaceSet.0.Status; }
until_equal InUse eni_status || die "$eni never InUse"
# The metadata lags on purpose; cloud-init compares it with the API, so apply what is pending now (the control API
# takes a JSON content type on every POST, even bodiless).
curl -fsS -X POST -H 'content-type: application/json' "$CONTROL/_harness/propagation/flush" >/dev/null || die "propagation flush"
imds=$(curl -fsS "$CONTROL/_harness/instances/$instance" | field imdsEndpoint) || die "no imdsEndpoint for $instance"
echo "instance $instance ($imds), vSwitch $vsw, second ENI $eni"

# tally LOG PREFIX EXIT-CODE: adds the program's "PREFIX: N passed, M failed" line; a program that printed none, or
# exited non-zero with 0 failed, counts one failure more.
tally() {
  local line p f
  line=$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed$" "$1" | tail -1)
  p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
  f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
  PASS=$((PASS + ${p:-0})); FAIL=$((FAIL + ${f:-0}))
  if [ -z "$line" ] || { [ "$3" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then
    FAIL=$((FAIL + 1)); echo "  FAIL  $2 exited $3 (summary: ${line:-none})"
  fi
}

echo "=== cloud-init $(dpkg-query -W -f '${Version}' cloud-init 2>/dev/null): AliYun datasource"
$PY "$HERE/cloudinit_aliyun.py" --imds "$imds" --ecs "$ECS" --instance "$instance" --enis 2 --work "$WORK/cloud-init" 2>&1 | tee "$WORK/ci.log"
tally "$WORK/ci.log" cloud-init-aliyun "${PIPESTATUS[0]}"

# A fixed metadata delay for this instance, so that the Go program can see the lag before it polls past it.
curl -fsS -X PUT -H 'content-type: application/json' -d '{"imds":"fixed(1500ms)"}' \
  "$CONTROL/_harness/propagation/instances/$instance" >/dev/null || die "setting the propagation delay"
echo "=== aliyungo: ECS ENI calls and the metadata client"
METADATA_ENDPOINT="$imds" ECS_URL="$ECS" INSTANCE_ID="$instance" VSWITCH_ID="$vsw" SECURITY_GROUP_ID="$sg" \
  "$WORK/aliyungo-eni" 2>&1 | tee "$WORK/go.log"
tally "$WORK/go.log" aliyungo "${PIPESTATUS[0]}"

summary
[ "$FAIL" -eq 0 ]
