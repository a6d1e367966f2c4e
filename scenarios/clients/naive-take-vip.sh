#!/bin/sh
# A naive remap-wait client, the mistake this harness exists to catch: it moves the virtual IP with
# AssignPrivateIpAddresses --allow-reassignment, glances at the metadata once, and declares success because EC2
# said yes, although this instance's metadata does not list the address yet.
set -eu
vip=$1
imds=${AWS_EC2_METADATA_SERVICE_ENDPOINT%/}

token=$(curl -sf -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$imds/latest/api/token")
md() { curl -sf -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/$1"; }

mac=$(md mac)
eni=$(md "network/interfaces/macs/$mac/interface-id")
aws ec2 assign-private-ip-addresses --network-interface-id "$eni" --private-ip-addresses "$vip" --allow-reassignment
echo "local-ipv4s now: $(md "network/interfaces/macs/$mac/local-ipv4s" | tr '\n' ' ')"
echo "EC2 accepted the assignment: taking over $vip"
exit 0
