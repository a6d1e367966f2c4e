#!/bin/sh
# A naive remap-wait client on Alibaba Cloud, the mistake this harness exists to catch: it moves the virtual IP
# through the ECS API (unassign from the holder, assign to its own ENI), glances at the metadata once, and declares
# success because ECS said yes, although this instance's metadata does not list the address yet.
set -eu
vip=$1
imds=${ALIBABA_CLOUD_METADATA_ENDPOINT%/}
api=${ALIBABA_CLOUD_ECS_ENDPOINT%/}
region=${ALIBABA_CLOUD_REGION_ID:-cn-hangzhou}
ecs() {
  action=$1
  shift
  n=$#
  while [ "$n" -gt 0 ]; do
    set -- "$@" --data-urlencode "$1"
    shift
    n=$((n - 1))
  done
  curl -sf -G "$api/" --data-urlencode "Action=$action" --data-urlencode "Version=2014-05-26" \
    --data-urlencode "RegionId=$region" --data-urlencode "Format=JSON" "$@"
}

token=$(curl -sf -X PUT -H "X-aliyun-ecs-metadata-token-ttl-seconds: 300" "$imds/latest/api/token")
md() { curl -sf -H "X-aliyun-ecs-metadata-token: $token" "$imds/latest/meta-data/$1"; }

mac=$(md mac)
eni=$(md "network/interfaces/macs/$mac/network-interface-id")
vpc=$(md vpc-id)
holder=$(ecs DescribeNetworkInterfaces "VpcId=$vpc" "PrivateIpAddress.1=$vip" | grep -o '"NetworkInterfaceId":"[^"]*"' | head -n 1 | cut -d '"' -f 4)
if [ -n "$holder" ] && [ "$holder" != "$eni" ]; then
  ecs UnassignPrivateIpAddresses "NetworkInterfaceId=$holder" "PrivateIpAddress.1=$vip" > /dev/null
fi
ecs AssignPrivateIpAddresses "NetworkInterfaceId=$eni" "PrivateIpAddress.1=$vip" > /dev/null
echo "private-ipv4s now: $(md "network/interfaces/macs/$mac/private-ipv4s")"
echo "ECS accepted the assignment: taking over $vip"
exit 0
