#!/bin/sh
# A misbehaving peer agent: re-asserts its own secondary address with AssignPrivateIpAddresses in a tight loop,
# without backoff, for SECONDS seconds. Under EC2's throttling it drains the account's AssignPrivateIpAddresses
# bucket, so that everyone else's calls of that action are refused with RequestLimitExceeded for a while.
#   busy-peer.sh <address> <seconds>
set -u
ip=$1
seconds=$2
imds=${AWS_EC2_METADATA_SERVICE_ENDPOINT%/}
export AWS_MAX_ATTEMPTS=1
token=$(curl -sf --max-time 1 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$imds/latest/api/token")
mac=$(curl -sf --max-time 1 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/mac")
eni=$(curl -sf --max-time 1 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/network/interfaces/macs/$mac/interface-id")
start=$(date +%s)
calls=0
refused=0
while [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
  calls=$((calls + 1))
  aws ec2 assign-private-ip-addresses --network-interface-id "$eni" --private-ip-addresses "$ip" --allow-reassignment \
    >/dev/null 2>&1 || refused=$((refused + 1))
done
echo "re-asserted $ip $calls times in ${seconds}s; $refused refused"
