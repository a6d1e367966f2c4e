#!/bin/sh
# A correct remap-wait client: takes a virtual IP over the way a failover agent should.
#   1. finds this instance's primary interface from its own metadata (IMDSv2), retrying refused or timed-out
#      requests (IMDS answers 503 when it wants a retry, and drops packets over its rate limit),
#   2. moves the address there with AssignPrivateIpAddresses --allow-reassignment (EC2 answers at once; the CLI
#      retries throttling and server errors with backoff),
#   3. waits until this instance's metadata lists the address in local-ipv4s, and only then declares success;
#      gives up with exit 1 after VIP_WAIT_SECONDS (default 60): a deadline, never a hang.
# Uses the AWS CLI and curl with the endpoints the harness sets (AWS_ENDPOINT_URL_EC2, AWS_EC2_METADATA_SERVICE_ENDPOINT).
set -eu
vip=$1
wait_seconds=${VIP_WAIT_SECONDS:-60}
imds=${AWS_EC2_METADATA_SERVICE_ENDPOINT%/}
export AWS_RETRY_MODE=${AWS_RETRY_MODE:-standard} AWS_MAX_ATTEMPTS=${AWS_MAX_ATTEMPTS:-10}
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
  until token=$(curl -sf --max-time 1 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$imds/latest/api/token"); do
    deadline "no IMDSv2 token"
    sleep 0.2
  done
}
md() { curl -sf --max-time 1 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/$1"; }
# must KEY: reads a key, retrying errors and time-outs until the deadline.
must() {
  until value=$(md "$1"); do
    deadline "metadata $1 did not answer"
    sleep 0.2
  done
  echo "$value"
}

new_token
mac=$(must mac)
eni=$(must "network/interfaces/macs/$mac/interface-id")
aws ec2 assign-private-ip-addresses --network-interface-id "$eni" --private-ip-addresses "$vip" --allow-reassignment
echo "asked EC2 to move $vip to $eni; waiting for this instance's metadata to list it"

while :; do
  if md "network/interfaces/macs/$mac/local-ipv4s" | grep -qx "$vip"; then
    echo "metadata lists $vip on $mac after $(elapsed)s: taking over"
    exit 0
  fi
  deadline "metadata did not list $vip"
  sleep 0.2
done
