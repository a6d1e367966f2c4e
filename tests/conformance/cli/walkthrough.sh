#!/usr/bin/env bash
# Conformance walk-through with the AWS CLI v1 against the harness.
#
# Runs the seed examples (AssignPrivateIpAddresses, AllocateAddress, the boto3 NetworkInterface
# resource actions) as written, adapted only for real ids, and asserts every result against real
# EC2 behaviour (see /work/shared/reference/EC2.md and the seeds).
#
# Endpoint: $AWS_ENDPOINT_URL_EC2 if set; otherwise the script builds and starts the harness on a
# free port and stops it on exit.  Set HARNESS_NO_BUILD=1 to skip `dotnet build`.
# Output: one line per check, then `cli: N passed, M failed`.  Exit code 0 only when M = 0.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cli-walkthrough.XXXXXX")"
PASS=0
FAIL=0
STEP=""

cleanup() {
  harness_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-AKIDEXAMPLE}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-secret}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-$AWS_REGION}"
# Keep a developer's ~/.aws settings (output format, profile, retries) out of the run.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN

# ---------------------------------------------------------------- harness ----------------------
# shellcheck source=../start-harness.sh
. "$ROOT/tests/conformance/start-harness.sh"
harness_start "$WORK/harness.log" || { echo "cli: 0 passed, 1 failed (no harness)"; exit 1; }

# ---------------------------------------------------------------- helpers ----------------------
# Python evaluator over the last JSON output.  `d` is the parsed document; helpers:
#   ips(ni)      -> private IPv4 addresses of a NetworkInterface dict
#   inside(ip,c) -> ip is a usable host address of CIDR c (not one of the 5 reserved ones)
#   doc_ip(ip)   -> ip lies in a documentation range (192.0.2/24, 198.51.100/24, 203.0.113/24)
#   rx(p, s)     -> full regex match
cat >"$WORK/j.py" <<'PY'
import ipaddress, json, os, re, sys
path, mode, expr = sys.argv[1], sys.argv[2], sys.argv[3]
raw = open(path).read().strip()
d = json.loads(raw) if raw else {}
def ips(ni): return [p["PrivateIpAddress"] for p in ni.get("PrivateIpAddresses", [])]
def inside(ip, cidr):
    n = ipaddress.ip_network(cidr); a = ipaddress.ip_address(ip)
    return a in n and int(a) - int(n.network_address) >= 4 and a != n.broadcast_address
def doc_ip(ip):
    return any(ipaddress.ip_address(ip) in ipaddress.ip_network(c)
               for c in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"))
def rx(p, s): return s is not None and re.fullmatch(p, s) is not None
try:
    v = eval(expr)
except Exception as e:  # a missing key is a failed check, not a crash
    if mode == "test": sys.exit(1)
    v = ""
if mode == "test":
    sys.exit(0 if v else 1)
print(json.dumps(v) if isinstance(v, (dict, list)) else ("" if v is None else v))
PY

ok()  { PASS=$((PASS + 1)); printf '  ok    %s: %s\n' "$STEP" "$1"; }
bad() { FAIL=$((FAIL + 1)); printf '  FAIL  %s: %s\n' "$STEP" "$1"; [ -n "${2:-}" ] && printf '        %s\n' "$2"; return 1; }
snippet() { head -c 600 "$1" | tr '\n' ' ' | sed 's/  */ /g'; }

summary_and_exit() {
  echo "cli: $PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]; exit $?
}

# step NAME -- ec2 subcommand args...   runs `aws ec2 ... --output json`; a non-zero exit is a failure
step() {
  STEP="$1"; shift
  echo "== $STEP"
  aws ec2 "$@" --output json >"$WORK/out.json" 2>"$WORK/err.txt"
  local rc=$?
  if [ $rc -ne 0 ]; then
    bad "command failed (exit $rc)" "aws ec2 $* :: $(snippet "$WORK/err.txt")"; return 1
  fi
  ok "exit 0"
}

# check DESCRIPTION PYEXPR   assertion over the last output
check() {
  if python3 "$WORK/j.py" "$WORK/out.json" test "$2"; then ok "$1"
  else bad "$1" "expected: $2 :: got: $(snippet "$WORK/out.json")"; fi
}

# val PYEXPR   print a value from the last output
val() { python3 "$WORK/j.py" "$WORK/out.json" val "$1"; }

# need VAR   abort (with summary) when a value later steps depend on is missing
need() {
  if [ -z "${!1:-}" ]; then
    bad "no $1 in the response; later steps depend on it, stopping"; summary_and_exit
  fi
}

# expect_error NAME 'CODE1|CODE2' -- ec2 subcommand args...
# AWS CLI v1 exits 255 on a service error (v2: 254) and prints to stderr:
#   An error occurred (CODE) when calling the Operation operation: message
expect_error() {
  STEP="$1"; local codes="$2"; shift 2
  echo "== $STEP"
  aws ec2 "$@" --output json >"$WORK/out.json" 2>"$WORK/err.txt"
  local rc=$?
  if [ $rc -eq 254 ] || [ $rc -eq 255 ]; then ok "exit $rc"
  else bad "expected exit 254/255, got $rc" "$(snippet "$WORK/out.json") $(snippet "$WORK/err.txt")"; fi
  if grep -Eq "An error occurred \(($codes)\) when calling the [A-Za-z]+ operation" "$WORK/err.txt"; then
    ok "error code $(grep -Eo "An error occurred \([^)]*\)" "$WORK/err.txt" | head -1 | sed 's/.*(\(.*\))/\1/')"
  else bad "expected error ($codes) in stderr" "$(snippet "$WORK/err.txt")"; fi
}

# poll NAME DESCRIPTION PYEXPR -- ec2 subcommand args...   repeat a describe until PYEXPR holds (15 s)
poll() {
  STEP="$1"; local desc="$2" expr="$3"; shift 3
  echo "== $STEP"
  for _ in $(seq 1 30); do
    if aws ec2 "$@" --output json >"$WORK/out.json" 2>"$WORK/err.txt" \
       && python3 "$WORK/j.py" "$WORK/out.json" test "$expr"; then ok "$desc"; return 0; fi
    sleep 0.5
  done
  bad "$desc (not reached in 15 s)" "expected: $expr :: got: $(snippet "$WORK/out.json") $(snippet "$WORK/err.txt")"
}

ENI_ID_RE='eni-[0-9a-f]{17}'

# ---------------------------------------------------------------- network -----------------------
step "create-vpc" create-vpc --cidr-block 10.0.0.0/16 &&
  check "VpcId looks like vpc- + 17 hex" "rx(r'vpc-[0-9a-f]{17}', d['Vpc']['VpcId'])" &&
  check "CidrBlock 10.0.0.0/16" "d['Vpc']['CidrBlock'] == '10.0.0.0/16'"
VPC="$(val "d['Vpc']['VpcId']")"; need VPC

step "create-subnet" create-subnet --vpc-id "$VPC" --cidr-block 10.0.0.0/24 &&
  check "SubnetId looks like subnet- + 17 hex" "rx(r'subnet-[0-9a-f]{17}', d['Subnet']['SubnetId'])" &&
  check "VpcId is the new VPC" "d['Subnet']['VpcId'] == '$VPC'" &&
  check "AvailableIpAddressCount 251 (256 - 5 reserved)" "d['Subnet']['AvailableIpAddressCount'] == 251"
SUBNET="$(val "d['Subnet']['SubnetId']")"; need SUBNET

step "create-security-group" create-security-group --group-name walkthrough-web \
     --description "walk-through group" --vpc-id "$VPC" &&
  check "GroupId looks like sg- + 17 hex" "rx(r'sg-[0-9a-f]{17}', d['GroupId'])"
SG="$(val "d['GroupId']")"

step "create-network-interface" create-network-interface --subnet-id "$SUBNET" \
     --description "my network interface" &&
  check "NetworkInterfaceId looks like eni- + 17 hex" "rx(r'$ENI_ID_RE', d['NetworkInterface']['NetworkInterfaceId'])" &&
  check "status available" "d['NetworkInterface']['Status'] == 'available'" &&
  check "primary private IP is a usable address of 10.0.0.0/24" \
        "inside(d['NetworkInterface']['PrivateIpAddress'], '10.0.0.0/24')" &&
  check "exactly one private IP, marked Primary" \
        "[p['Primary'] for p in d['NetworkInterface']['PrivateIpAddresses']] == [True]" &&
  check "SourceDestCheck true" "d['NetworkInterface']['SourceDestCheck'] is True" &&
  check "in the VPC's default security group (every ENI has >= 1 group)" "len(d['NetworkInterface']['Groups']) >= 1"
ENI="$(val "d['NetworkInterface']['NetworkInterfaceId']")"; need ENI
ENI_PRIMARY="$(val "d['NetworkInterface']['PrivateIpAddress']")"

# ---------------------------------------------------------------- the API reference examples ----------
step "assign-private-ip-addresses 10.0.0.82 (seed example 1)" \
     assign-private-ip-addresses --network-interface-id "$ENI" --private-ip-addresses 10.0.0.82 &&
  check "NetworkInterfaceId echoed" "d['NetworkInterfaceId'] == '$ENI'" &&
  check "AssignedPrivateIpAddresses is exactly [10.0.0.82]" \
        "[a['PrivateIpAddress'] for a in d['AssignedPrivateIpAddresses']] == ['10.0.0.82']"

step "assign-private-ip-addresses --secondary-private-ip-address-count 2 (seed example 2)" \
     assign-private-ip-addresses --network-interface-id "$ENI" --secondary-private-ip-address-count 2 &&
  check "AssignedPrivateIpAddresses lists only the 2 new addresses" \
        "len(set(a['PrivateIpAddress'] for a in d['AssignedPrivateIpAddresses'])) == 2 and not {'10.0.0.82','$ENI_PRIMARY'} & set(a['PrivateIpAddress'] for a in d['AssignedPrivateIpAddresses'])" &&
  check "both inside the subnet, not reserved" \
        "all(inside(a['PrivateIpAddress'], '10.0.0.0/24') for a in d['AssignedPrivateIpAddresses'])"
AUTO_IPS="$(val "' '.join(a['PrivateIpAddress'] for a in d['AssignedPrivateIpAddresses'])")"

step "describe-network-interfaces after assigns" describe-network-interfaces --network-interface-ids "$ENI" &&
  check "4 private IPs: primary + 10.0.0.82 + 2 automatic" "len(ips(d['NetworkInterfaces'][0])) == 4" &&
  check "10.0.0.82 is secondary" \
        "[p['Primary'] for p in d['NetworkInterfaces'][0]['PrivateIpAddresses'] if p['PrivateIpAddress']=='10.0.0.82'] == [False]" &&
  check "primary unchanged" "d['NetworkInterfaces'][0]['PrivateIpAddress'] == '$ENI_PRIMARY'"

step "describe-subnets counts the addresses" describe-subnets --subnet-ids "$SUBNET" &&
  check "AvailableIpAddressCount 247 (251 - 4)" "d['Subnets'][0]['AvailableIpAddressCount'] == 247"

# ---------------------------------------------------------------- Elastic IP ------------
step "allocate-address --domain vpc" allocate-address --domain vpc &&
  check "AllocationId looks like eipalloc- + 17 hex" "rx(r'eipalloc-[0-9a-f]{17}', d['AllocationId'])" &&
  check "Domain vpc" "d['Domain'] == 'vpc'" &&
  check "PublicIp from a documentation range" "doc_ip(d['PublicIp'])"
ALLOC="$(val "d['AllocationId']")"; need ALLOC
EIP="$(val "d['PublicIp']")"

step "associate-address to 10.0.0.82" associate-address --allocation-id "$ALLOC" \
     --network-interface-id "$ENI" --private-ip-address 10.0.0.82 &&
  check "AssociationId looks like eipassoc- + 17 hex" "rx(r'eipassoc-[0-9a-f]{17}', d['AssociationId'])"
ASSOC="$(val "d['AssociationId']")"

step "describe-addresses after associate" describe-addresses --allocation-ids "$ALLOC" &&
  check "bound to the ENI" "d['Addresses'][0].get('NetworkInterfaceId') == '$ENI'" &&
  check "bound to 10.0.0.82" "d['Addresses'][0].get('PrivateIpAddress') == '10.0.0.82'" &&
  check "AssociationId matches" "d['Addresses'][0].get('AssociationId') == '$ASSOC'"

step "describe-network-interfaces shows the association" describe-network-interfaces --network-interface-ids "$ENI" &&
  check "10.0.0.82 carries PublicIp $EIP" \
        "[p.get('Association',{}).get('PublicIp') for p in d['NetworkInterfaces'][0]['PrivateIpAddresses'] if p['PrivateIpAddress']=='10.0.0.82'] == ['$EIP']" &&
  check "association names the allocation" \
        "[p['Association'].get('AllocationId') for p in d['NetworkInterfaces'][0]['PrivateIpAddresses'] if p['PrivateIpAddress']=='10.0.0.82'] == ['$ALLOC']" &&
  check "IpOwnerId of an Elastic IP is the owning account (botocore example), not 'amazon'" \
        "[p['Association'].get('IpOwnerId') for p in d['NetworkInterfaces'][0]['PrivateIpAddresses'] if p['PrivateIpAddress']=='10.0.0.82'] == [d['NetworkInterfaces'][0]['OwnerId']]"

expect_error "release-address while associated" 'InvalidIPAddress.InUse' release-address --allocation-id "$ALLOC"

# ---------------------------------------------------------------- instance + attach -------------
step "run-instances t3.large" run-instances --image-id ami-0123456789abcdef0 --instance-type t3.large \
     --subnet-id "$SUBNET" --count 1 &&
  check "InstanceId looks like i- + 17 hex" "rx(r'i-[0-9a-f]{17}', d['Instances'][0]['InstanceId'])" &&
  check "in the subnet" "d['Instances'][0]['SubnetId'] == '$SUBNET'" &&
  check "primary ENI at device index 0" "d['Instances'][0]['NetworkInterfaces'][0]['Attachment']['DeviceIndex'] == 0"
INSTANCE="$(val "d['Instances'][0]['InstanceId']")"; need INSTANCE
INSTANCE_ENI="$(val "d['Instances'][0]['NetworkInterfaces'][0]['NetworkInterfaceId']")"
INSTANCE_ATT="$(val "d['Instances'][0]['NetworkInterfaces'][0]['Attachment']['AttachmentId']")"

poll "describe-instances until running" "state running" \
     "d['Reservations'][0]['Instances'][0]['State']['Name'] == 'running'" \
     describe-instances --instance-ids "$INSTANCE"

step "attach-network-interface --device-index 1" attach-network-interface --network-interface-id "$ENI" \
     --instance-id "$INSTANCE" --device-index 1 &&
  check "AttachmentId looks like eni-attach- + 17 hex" "rx(r'eni-attach-[0-9a-f]{17}', d['AttachmentId'])"
ATT="$(val "d['AttachmentId']")"; need ATT

poll "describe-network-interfaces until attached" "in-use, attachment attached at index 1" \
     "d['NetworkInterfaces'][0]['Status'] == 'in-use' and d['NetworkInterfaces'][0]['Attachment']['Status'] == 'attached' and d['NetworkInterfaces'][0]['Attachment']['DeviceIndex'] == 1 and d['NetworkInterfaces'][0]['Attachment']['InstanceId'] == '$INSTANCE'" \
     describe-network-interfaces --network-interface-ids "$ENI"

# Real EC2 answers the generic code here: "InvalidParameterValue: Network interface 'eni-…' is
# currently in use." (InvalidNetworkInterface.InUse is what RunInstances/Attach say about a busy ENI.)
expect_error "delete-network-interface while attached" 'InvalidParameterValue' \
  delete-network-interface --network-interface-id "$ENI"
if [ -n "$INSTANCE_ATT" ]; then
  expect_error "detach the primary ENI (device index 0)" 'OperationNotPermitted' \
    detach-network-interface --attachment-id "$INSTANCE_ATT"
fi

# ---------------------------------------------------------------- attributes ----------
step "describe-network-interface-attribute description" describe-network-interface-attribute \
     --network-interface-id "$ENI" --attribute description &&
  check "Description.Value" "d['Description']['Value'] == 'my network interface'" &&
  check "NetworkInterfaceId echoed" "d['NetworkInterfaceId'] == '$ENI'"
step "describe-network-interface-attribute groupSet" describe-network-interface-attribute \
     --network-interface-id "$ENI" --attribute groupSet &&
  check "Groups has >= 1 group with GroupId" "len(d['Groups']) >= 1 and all(rx(r'sg-[0-9a-f]{8,17}', g['GroupId']) for g in d['Groups'])"
step "describe-network-interface-attribute sourceDestCheck" describe-network-interface-attribute \
     --network-interface-id "$ENI" --attribute sourceDestCheck &&
  check "SourceDestCheck.Value true" "d['SourceDestCheck']['Value'] is True"
step "describe-network-interface-attribute attachment" describe-network-interface-attribute \
     --network-interface-id "$ENI" --attribute attachment &&
  check "Attachment id, instance, index 1" \
        "d['Attachment']['AttachmentId'] == '$ATT' and d['Attachment']['InstanceId'] == '$INSTANCE' and d['Attachment']['DeviceIndex'] == 1" &&
  check "DeleteOnTermination false (attach-network-interface default)" "d['Attachment']['DeleteOnTermination'] is False"

step "modify-network-interface-attribute --description" modify-network-interface-attribute \
     --network-interface-id "$ENI" --description "failover interface"
step "  ...describe description" describe-network-interface-attribute --network-interface-id "$ENI" --attribute description &&
  check "Description.Value changed" "d['Description']['Value'] == 'failover interface'"

step "modify-network-interface-attribute --no-source-dest-check" modify-network-interface-attribute \
     --network-interface-id "$ENI" --no-source-dest-check
step "  ...describe sourceDestCheck" describe-network-interface-attribute --network-interface-id "$ENI" --attribute sourceDestCheck &&
  check "SourceDestCheck.Value false" "d['SourceDestCheck']['Value'] is False"

if [ -n "$SG" ]; then
  step "modify-network-interface-attribute --groups" modify-network-interface-attribute \
       --network-interface-id "$ENI" --groups "$SG"
  step "  ...describe groupSet" describe-network-interface-attribute --network-interface-id "$ENI" --attribute groupSet &&
    check "Groups replaced by exactly [$SG]" "[g['GroupId'] for g in d['Groups']] == ['$SG']" &&
    check "GroupName walkthrough-web" "d['Groups'][0].get('GroupName') == 'walkthrough-web'"
fi
expect_error "modify-network-interface-attribute --groups with an unknown group" 'InvalidGroup.NotFound' \
  modify-network-interface-attribute --network-interface-id "$ENI" --groups sg-0123456789abcdef0

step "modify-network-interface-attribute --attachment DeleteOnTermination=true" modify-network-interface-attribute \
     --network-interface-id "$ENI" --attachment "AttachmentId=$ATT,DeleteOnTermination=true"
step "  ...describe attachment" describe-network-interface-attribute --network-interface-id "$ENI" --attribute attachment &&
  check "DeleteOnTermination true" "d['Attachment']['DeleteOnTermination'] is True"

# The CLI help example writes a bare `--source-dest-check`, which CLI v1 rejects ("expected one
# argument"): the member is a string, so it needs a value.  The value is ignored; it resets to true.
step "reset-network-interface-attribute --source-dest-check" reset-network-interface-attribute \
     --network-interface-id "$ENI" --source-dest-check true
step "  ...describe sourceDestCheck" describe-network-interface-attribute --network-interface-id "$ENI" --attribute sourceDestCheck &&
  check "SourceDestCheck.Value back to true" "d['SourceDestCheck']['Value'] is True"

step "create-tags" create-tags --resources "$ENI" --tags Key=Name,Value=failover-a Key=role,Value=active
step "  ...describe-network-interfaces --filters tag:Name" describe-network-interfaces \
     --filters Name=tag:Name,Values=failover-a Name=subnet-id,Values="$SUBNET" &&
  check "finds exactly the ENI" "[n['NetworkInterfaceId'] for n in d['NetworkInterfaces']] == ['$ENI']" &&
  check "TagSet has both tags" \
        "sorted((t['Key'], t['Value']) for t in d['NetworkInterfaces'][0]['TagSet']) == [('Name','failover-a'), ('role','active')]"

# ---------------------------------------------------------------- primary address is not movable -
step "create-network-interface (standby)" create-network-interface --subnet-id "$SUBNET" --description "standby" &&
  check "NetworkInterfaceId looks like eni- + 17 hex" "rx(r'$ENI_ID_RE', d['NetworkInterface']['NetworkInterfaceId'])"
ENI2="$(val "d['NetworkInterface']['NetworkInterfaceId']")"; need ENI2

# A primary address never moves.  EC2 rejects it as InvalidParameterValue or InvalidIPAddress.InUse
# ("Address 10.0.0.x is in use."); either code is accepted.
expect_error "assign the first ENI's primary address to the standby ENI" 'InvalidParameterValue|InvalidIPAddress.InUse' \
  assign-private-ip-addresses --network-interface-id "$ENI2" --private-ip-addresses "$ENI_PRIMARY"
expect_error "assign the first ENI's primary address with --allow-reassignment" 'InvalidParameterValue|InvalidIPAddress.InUse' \
  assign-private-ip-addresses --network-interface-id "$ENI2" --private-ip-addresses "$ENI_PRIMARY" --allow-reassignment
expect_error "unassign the primary address" 'InvalidParameterValue|InvalidIPAddress.InUse' \
  unassign-private-ip-addresses --network-interface-id "$ENI" --private-ip-addresses "$ENI_PRIMARY"
step "  ...primary still on the first ENI" describe-network-interfaces --network-interface-ids "$ENI" &&
  check "PrivateIpAddress unchanged and listed" \
        "d['NetworkInterfaces'][0]['PrivateIpAddress'] == '$ENI_PRIMARY' and '$ENI_PRIMARY' in ips(d['NetworkInterfaces'][0])"

# ---------------------------------------------------------------- failover: move 10.0.0.82 -------
expect_error "assign 10.0.0.82 to the standby without --allow-reassignment" 'InvalidParameterValue' \
  assign-private-ip-addresses --network-interface-id "$ENI2" --private-ip-addresses 10.0.0.82

step "assign 10.0.0.82 to the standby --allow-reassignment" assign-private-ip-addresses \
     --network-interface-id "$ENI2" --private-ip-addresses 10.0.0.82 --allow-reassignment &&
  check "AssignedPrivateIpAddresses is exactly [10.0.0.82]" \
        "[a['PrivateIpAddress'] for a in d['AssignedPrivateIpAddresses']] == ['10.0.0.82']"

step "describe-network-interfaces --filters addresses.private-ip-address=10.0.0.82" describe-network-interfaces \
     --filters Name=addresses.private-ip-address,Values=10.0.0.82 Name=vpc-id,Values="$VPC" &&
  check "only the standby holds 10.0.0.82" "[n['NetworkInterfaceId'] for n in d['NetworkInterfaces']] == ['$ENI2']" &&
  check "10.0.0.82 on the standby carries the EIP" \
        "[p.get('Association',{}).get('PublicIp') for p in d['NetworkInterfaces'][0]['PrivateIpAddresses'] if p['PrivateIpAddress']=='10.0.0.82'] == ['$EIP']"

step "describe-network-interfaces first ENI after the move" describe-network-interfaces --network-interface-ids "$ENI" &&
  check "10.0.0.82 gone from the first ENI" "'10.0.0.82' not in ips(d['NetworkInterfaces'][0])" &&
  check "no Elastic IP left on the first ENI" \
        "all('Association' not in p for p in d['NetworkInterfaces'][0]['PrivateIpAddresses'])"

step "describe-addresses: the EIP followed the address" describe-addresses --allocation-ids "$ALLOC" &&
  check "NetworkInterfaceId is the standby ENI" "d['Addresses'][0].get('NetworkInterfaceId') == '$ENI2'" &&
  check "PrivateIpAddress still 10.0.0.82" "d['Addresses'][0].get('PrivateIpAddress') == '10.0.0.82'" &&
  check "still associated (has AssociationId)" "rx(r'eipassoc-[0-9a-f]{17}', d['Addresses'][0].get('AssociationId'))"
ASSOC_NOW="$(val "d['Addresses'][0].get('AssociationId', '')")"
[ -n "$ASSOC_NOW" ] && ASSOC="$ASSOC_NOW"

expect_error "associate-address --no-allow-reassociation while associated" 'Resource.AlreadyAssociated' \
  associate-address --allocation-id "$ALLOC" --network-interface-id "$ENI" --no-allow-reassociation

# ---------------------------------------------------------------- unassign ----------------------
# shellcheck disable=SC2086  # AUTO_IPS is a space-separated list on purpose
step "unassign-private-ip-addresses (the 2 automatic addresses)" unassign-private-ip-addresses \
     --network-interface-id "$ENI" --private-ip-addresses $AUTO_IPS
step "  ...describe" describe-network-interfaces --network-interface-ids "$ENI" &&
  check "only the primary remains" "ips(d['NetworkInterfaces'][0]) == ['$ENI_PRIMARY']"

# ---------------------------------------------------------------- disassociate (idempotent) ------
step "disassociate-address" disassociate-address --association-id "$ASSOC"
step "  ...describe-addresses" describe-addresses --allocation-ids "$ALLOC" &&
  check "no association left" \
        "not d['Addresses'][0].get('AssociationId') and not d['Addresses'][0].get('NetworkInterfaceId')"
step "disassociate-address again (idempotent)" disassociate-address --association-id "$ASSOC"

# ---------------------------------------------------------------- teardown ----------------------
step "detach-network-interface --force" detach-network-interface --attachment-id "$ATT" --force
poll "describe-network-interfaces until detached" "available, no attachment" \
     "d['NetworkInterfaces'][0]['Status'] == 'available' and 'Attachment' not in d['NetworkInterfaces'][0]" \
     describe-network-interfaces --network-interface-ids "$ENI"

step "delete-network-interface" delete-network-interface --network-interface-id "$ENI"
step "delete-network-interface (standby)" delete-network-interface --network-interface-id "$ENI2"
expect_error "describe the deleted ENI" 'InvalidNetworkInterfaceID.NotFound' \
  describe-network-interfaces --network-interface-ids "$ENI"

step "release-address" release-address --allocation-id "$ALLOC"
expect_error "describe the released address" 'InvalidAllocationID.NotFound' \
  describe-addresses --allocation-ids "$ALLOC"

step "terminate-instances" terminate-instances --instance-ids "$INSTANCE" &&
  check "CurrentState shutting-down or terminated" \
        "d['TerminatingInstances'][0]['CurrentState']['Name'] in ('shutting-down', 'terminated')"

summary_and_exit
