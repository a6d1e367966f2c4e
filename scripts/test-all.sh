#!/usr/bin/env bash
# Runs every test of the harness on a fresh machine: installs what is missing, builds once in Release,
# then the .NET unit and API tests, the boto3 conformance suite, the AWS CLI walk-through and the
# AWS SDK for JavaScript smoke test. Ends with one line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
passed=0
failed=0
status=0

step() { printf '\n=== %s\n' "$*"; }
need() { command -v "$1" >/dev/null 2>&1; }

step "prerequisites"
if ! need dotnet; then echo "dotnet (the .NET 10 SDK) is required" >&2; exit 2; fi
if ! python3 -c 'import boto3, botocore' 2>/dev/null; then
  python3 -m pip install --quiet boto3 awscli || { echo "boto3 is required for the conformance suite" >&2; exit 2; }
fi
if ! need aws; then python3 -m pip install --quiet awscli || { echo "the AWS CLI is required" >&2; exit 2; }; fi
if ! need node || ! need npm; then
  (apt-get update -qq && apt-get install -y -qq nodejs npm) >/dev/null 2>&1 || { echo "node and npm are required" >&2; exit 2; }
fi
if [ -f tests/conformance/js/package.json ] && [ ! -d tests/conformance/js/node_modules ]; then
  (cd tests/conformance/js && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed" >&2; exit 2; }
fi

step "build (Release)"
dotnet build Harness.sln -c Release -nologo -v quiet || exit 1

for project in tests/Harness.*.Tests; do
  [ -f "$project/$(basename "$project").csproj" ] || continue
  step "dotnet test $project"
  dotnet test "$project" -c Release --no-build -nologo 2>&1 | tee "$LOGS/dotnet.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  p=$(grep -oE 'Passed: +[0-9]+' "$LOGS/dotnet.log" | grep -oE '[0-9]+' | tail -1)
  f=$(grep -oE 'Failed: +[0-9]+' "$LOGS/dotnet.log" | grep -oE '[0-9]+' | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ -z "$p" ] && [ -z "$f" ]; then failed=$((failed + 1)); status=1; fi
done

step "boto3 conformance suite"
bash tests/conformance/python/run.sh 2>&1 | tee "$LOGS/python.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
ran=$(grep -oE '^Ran [0-9]+' "$LOGS/python.log" | grep -oE '[0-9]+' | tail -1)
bad=$(grep -oE '(failures|errors)=[0-9]+' "$LOGS/python.log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${ran:-0} - ${bad:-0})); failed=$((failed + ${bad:-0}))

step "packaging (Dockerfile, docker-compose.yml)"
python3 -m unittest discover -s tests/packaging -p 'test_*.py' -v 2>&1 | tee "$LOGS/packaging.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
ran=$(grep -oE '^Ran [0-9]+' "$LOGS/packaging.log" | grep -oE '[0-9]+' | tail -1)
bad=$(grep -oE '(failures|errors)=[0-9]+' "$LOGS/packaging.log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${ran:-0} - ${bad:-0})); failed=$((failed + ${bad:-0}))

if [ -x tests/conformance/cli/walkthrough.sh ] || [ -f tests/conformance/cli/walkthrough.sh ]; then
  step "AWS CLI walk-through"
  bash tests/conformance/cli/walkthrough.sh 2>&1 | tee "$LOGS/cli.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  p=$(grep -oE 'cli: [0-9]+ passed' "$LOGS/cli.log" | grep -oE '[0-9]+' | tail -1)
  f=$(grep -oE '[0-9]+ failed' "$LOGS/cli.log" | grep -oE '[0-9]+' | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
fi

if [ -f tests/conformance/js/run.sh ]; then
  step "AWS SDK for JavaScript v3 smoke test"
  bash tests/conformance/js/run.sh 2>&1 | tee "$LOGS/js.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  p=$(grep -oE '^# pass [0-9]+' "$LOGS/js.log" | grep -oE '[0-9]+' | tail -1)
  f=$(grep -oE '^# fail [0-9]+' "$LOGS/js.log" | grep -oE '[0-9]+' | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
fi

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo
echo "$passed passed, $failed failed"
exit "$status"
