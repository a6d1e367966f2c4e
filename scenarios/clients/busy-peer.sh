#!/bin/sh
# A misbehaving peer agent: re-asserts its own secondary address with AssignPrivateIpAddresses in a tight loop,
# without backoff, until EC2 refuses it (or MAX calls). Under EC2's throttling it leaves the account's
# AssignPrivateIpAddresses bucket empty, so that everyone else's calls of that action are refused for a while.
#   busy-peer.sh <address> <max calls>
set -u
ip=$1
max=$2
imds=${AWS_EC2_METADATA_SERVICE_ENDPOINT%/}
export AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard
# A busy machine may answer slowly: a few seconds and a retry for each read, and no call made on an empty answer.
token=$(curl -sf --max-time 5 --retry 2 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$imds/latest/api/token")
mac=$(curl -sf --max-time 5 --retry 2 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/mac")
eni=$(curl -sf --max-time 5 --retry 2 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/network/interfaces/macs/$mac/interface-id")
[ -n "$eni" ] || { echo "could not read its interface from the metadata service" >&2; exit 1; }
calls=0
while [ "$calls" -lt "$max" ]; do
  calls=$((calls + 1))
  if ! aws ec2 assign-private-ip-addresses --network-interface-id "$eni" --private-ip-addresses "$ip" --allow-reassignment >/dev/null 2>&1; then
    echo "re-asserted $ip $calls times; EC2 refused the last one"
    exit 0
  fi
done
echo "re-asserted $ip $calls times; EC2 never refused"
