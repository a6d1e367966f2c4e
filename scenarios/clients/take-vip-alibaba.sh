#!/bin/sh
# A correct remap-wait client on Alibaba Cloud: takes a virtual IP over the way a failover agent should.
#   1. finds this instance's primary ENI from its own metadata (hardened mode: a token from PUT /latest/api/token),
#      retrying refused or timed-out requests,
#   2. finds the ENI that holds the address (DescribeNetworkInterfaces PrivateIpAddress.1) and unassigns it there:
#      ECS has no AllowReassignment, an address another ENI holds is InvalidPrivateIpAddress.Duplicated,
#   3. assigns it to its own ENI (AssignPrivateIpAddresses; ECS answers at once),
#   4. waits until this instance's metadata lists the address in private-ipv4s (a JSON array), and only then declares
#      success; gives up with exit 1 after VIP_WAIT_SECONDS (default 60): a deadline, never a hang.
# Uses curl with the endpoints the harness sets (ALIBABA_CLOUD_ECS_ENDPOINT, ALIBABA_CLOUD_METADATA_ENDPOINT,
# ALIBABA_CLOUD_REGION_ID); the harness takes unsigned RPC requests, so there is no SDK to install.
set -eu
vip=$1
wait_seconds=${VIP_WAIT_SECONDS:-60}
imds=${ALIBABA_CLOUD_METADATA_ENDPOINT%/}
api=${ALIBABA_CLOUD_ECS_ENDPOINT%/}
region=${ALIBABA_CLOUD_REGION_ID:-cn-hangzhou}
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
deadline() {
  if [ "$(elapsed)" -ge "$wait_seconds" ]; then
    echo "gave up: $1 within ${wait_seconds}s" >&2
    exit 1
  fi
}

token=""
new_token() {
  until token=$(curl -sf --max-time 1 -X PUT -H "X-aliyun-ecs-metadata-token-ttl-seconds: 300" "$imds/latest/api/token"); do
    deadline "no metadata token"
    sleep 0.2
  done
}
md() { curl -sf --max-time 1 -H "X-aliyun-ecs-metadata-token: $token" "$imds/latest/meta-data/$1"; }
must() {
  until value=$(md "$1"); do
    deadline "metadata $1 did not answer"
    sleep 0.2
  done
  echo "$value"
}

# ecs ACTION [NAME=VALUE…]: one ECS RPC call (JSON reply on stdout); fails, printing Alibaba's error, when refused.
ecs() {
  action=$1
  shift
  n=$#
  while [ "$n" -gt 0 ]; do
    set -- "$@" --data-urlencode "$1"
    shift
    n=$((n - 1))
  done
  reply=$(curl -sS --max-time 10 -G "$api/" --data-urlencode "Action=$action" --data-urlencode "Version=2014-05-26" \
    --data-urlencode "RegionId=$region" --data-urlencode "Format=JSON" "$@" -w '\n%{http_code}')
  status=$(printf '%s\n' "$reply" | tail -n 1)
  body=$(printf '%s\n' "$reply" | sed '$d')
  if [ "$status" != 200 ]; then
    echo "$action refused ($status): $body" >&2
    return 1
  fi
  printf '%s\n' "$body"
}

new_token
mac=$(must mac)
eni=$(must "network/interfaces/macs/$mac/network-interface-id")
vpc=$(must vpc-id)

# Who holds the address now (its ENI id, if anyone's): a failover takes it from there.
holder=$(ecs DescribeNetworkInterfaces "VpcId=$vpc" "PrivateIpAddress.1=$vip" | grep -o '"NetworkInterfaceId":"[^"]*"' | head -n 1 | cut -d '"' -f 4)
if [ -n "$holder" ] && [ "$holder" != "$eni" ]; then
  ecs UnassignPrivateIpAddresses "NetworkInterfaceId=$holder" "PrivateIpAddress.1=$vip" > /dev/null
  echo "took $vip off $holder"
fi
ecs AssignPrivateIpAddresses "NetworkInterfaceId=$eni" "PrivateIpAddress.1=$vip" > /dev/null
echo "asked ECS to assign $vip to $eni; waiting for this instance's metadata to list it"

while :; do
  if md "network/interfaces/macs/$mac/private-ipv4s" | tr -d '[] ' | tr ',' '\n' | tr -d '"' | grep -qx "$vip"; then
    echo "metadata lists $vip on $mac after $(elapsed)s: taking over"
    exit 0
  fi
  deadline "metadata did not list $vip"
  sleep 0.2
done
