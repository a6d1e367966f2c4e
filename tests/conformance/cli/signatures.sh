#!/usr/bin/env bash
# The AWS CLI against `harness serve --verify-signatures`: the right secret is served, a wrong secret is
# SignatureDoesNotMatch, an unknown key AuthFailure, an unsigned request (--no-sign-request) AuthFailure, and a
# presigned URL (aws ec2 ... is not presignable, so botocore's, as the CLI would make it) works over curl.
#
# Starts its own harness (the Release build; HARNESS_NO_BUILD=1 skips `dotnet build`) on free loopback ports with
# two access keys and stops it on exit.  Output: one line per check, then `cli-signatures: N passed, M failed`.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cli-signatures.XXXXXX")"
PASS=0
FAIL=0
PID=""
KEY=AKIDCLI
SECRET='cli/Secret+Key=42'

cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL_EC2

ok()  { PASS=$((PASS + 1)); printf '  ok    %s\n' "$1"; }
bad() { FAIL=$((FAIL + 1)); printf '  FAIL  %s\n        %s\n' "$1" "${2:-}"; }

if [ "${HARNESS_NO_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && dotnet build src/Harness.Host -c Release -nologo -v q) >"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log"; echo "cli-signatures: 0 passed, 1 failed (build)"; exit 1; }
fi
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
EC2_PORT="$(free_port)"
IMDS_PORT="$(free_port)"
(cd "$ROOT" && exec dotnet src/Harness.Host/bin/Release/net10.0/harness.dll serve --ec2-port "$EC2_PORT" \
   --imds-port "$IMDS_PORT" --ecs-port "$(free_port)" --verify-signatures --credentials "$KEY:$SECRET,AKIDSPARE:spare") >"$WORK/harness.log" 2>&1 &
PID=$!
URL="http://127.0.0.1:$EC2_PORT"
for _ in $(seq 1 120); do
  curl -fs -o /dev/null "$URL/_harness/health" && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.5
done
curl -fs -o /dev/null "$URL/_harness/health" || { tail -30 "$WORK/harness.log"; echo "cli-signatures: 0 passed, 1 failed (no harness)"; exit 1; }

# cli NAME KEY SECRET [aws options] -- runs `aws ec2 describe-vpcs` with those credentials; exit code in $RC
cli() {
  local key=$1 secret=$2; shift 2
  AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" \
    aws ec2 describe-vpcs --endpoint-url "$URL" --output json "$@" >"$WORK/out.json" 2>"$WORK/err.txt"
  RC=$?
}

# expect_code NAME CODE: the last call failed (exit 254/255) with "An error occurred (CODE)"
expect_code() {
  if { [ "$RC" -eq 254 ] || [ "$RC" -eq 255 ]; } && grep -q "An error occurred ($2) when calling the DescribeVpcs operation" "$WORK/err.txt"; then
    ok "$1: $2"
  else
    bad "$1: expected $2 (exit 254/255), got exit $RC" "$(head -c 400 "$WORK/err.txt")"
  fi
}

echo "== aws ec2 describe-vpcs against $URL (--verify-signatures)"
cli "$KEY" "$SECRET"
if [ "$RC" -eq 0 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))["Vpcs"]' "$WORK/out.json" 2>/dev/null; then
  ok "the right secret is served"
else
  bad "the right secret is served (exit $RC)" "$(head -c 400 "$WORK/err.txt")"
fi

cli "$KEY" "not-the-secret"
expect_code "a wrong secret" SignatureDoesNotMatch

cli AKIDSPARE "$SECRET"
expect_code "another key's secret" SignatureDoesNotMatch

cli AKIDNOBODY "$SECRET"
expect_code "an unknown access key" AuthFailure
grep -q "AWS was not able to validate the provided access credentials" "$WORK/err.txt" \
  && ok "AuthFailure says EC2's sentence" || bad "AuthFailure says EC2's sentence" "$(head -c 400 "$WORK/err.txt")"

cli "$KEY" "$SECRET" --no-sign-request
expect_code "an unsigned request (--no-sign-request)" AuthFailure

# A presigned DescribeVpcs (botocore, which the CLI is built on), sent with curl; then the same URL one parameter changed.
PRESIGNED="$(AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET" python3 -c '
import sys, boto3
c = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="us-east-1")
print(c.generate_presigned_url("describe_vpcs", Params={}, ExpiresIn=120, HttpMethod="GET"))' "$URL")"
STATUS="$(curl -s -o "$WORK/presigned.xml" -w '%{http_code}' "$PRESIGNED")"
[ "$STATUS" = 200 ] && ok "a presigned URL is served" || bad "a presigned URL is served (HTTP $STATUS)" "$(head -c 300 "$WORK/presigned.xml")"
STATUS="$(curl -s -o "$WORK/presigned.xml" -w '%{http_code}' "${PRESIGNED/DescribeVpcs/DescribeSubnets}")"
if [ "$STATUS" = 403 ] && grep -q "<Code>SignatureDoesNotMatch</Code>" "$WORK/presigned.xml"; then
  ok "a presigned URL with its action changed is SignatureDoesNotMatch"
else
  bad "a presigned URL with its action changed is SignatureDoesNotMatch (HTTP $STATUS)" "$(head -c 300 "$WORK/presigned.xml")"
fi

echo "cli-signatures: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
