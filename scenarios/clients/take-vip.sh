#!/bin/sh
# A correct remap-wait client: takes a virtual IP over the way a failover agent should.
#   1. finds this instance's primary interface from its own metadata (IMDSv2),
#   2. moves the address there with AssignPrivateIpAddresses --allow-reassignment (EC2 answers at once),
#   3. waits until this instance's metadata lists the address in local-ipv4s, and only then declares success;
#      gives up with exit 1 after VIP_WAIT_SECONDS (default 60).
# Uses the AWS CLI and curl with the endpoints the harness sets (AWS_ENDPOINT_URL_EC2, AWS_EC2_METADATA_SERVICE_ENDPOINT).
set -eu
vip=$1
wait_seconds=${VIP_WAIT_SECONDS:-60}
imds=${AWS_EC2_METADATA_SERVICE_ENDPOINT%/}

token=$(curl -sf -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$imds/latest/api/token")
md() { curl -sf -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/$1"; }

mac=$(md mac)
eni=$(md "network/interfaces/macs/$mac/interface-id")
aws ec2 assign-private-ip-addresses --network-interface-id "$eni" --private-ip-addresses "$vip" --allow-reassignment
echo "asked EC2 to move $vip to $eni; waiting for this instance's metadata to list it"

start=$(date +%s)
while :; do
  if md "network/interfaces/macs/$mac/local-ipv4s" | grep -qx "$vip"; then
    echo "metadata lists $vip on $mac after $(( $(date +%s) - start ))s: taking over"
    exit 0
  fi
  if [ $(( $(date +%s) - start )) -ge "$wait_seconds" ]; then
    echo "gave up: metadata did not list $vip within ${wait_seconds}s" >&2
    exit 1
  fi
  sleep 0.2
done
