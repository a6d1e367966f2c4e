#!/usr/bin/env bash
# Runs every test of the harness on a fresh machine: installs what is missing, builds once in Release,
# then the .NET unit and API tests, the boto3 and botocore-IMDS conformance suite, a scenario's HTML report in
# chromium, the AWS CLI walk-through and the AWS SDK for JavaScript tests (client-ec2 and ec2-metadata-service); the AWS
# SDK for .NET runs among the .NET projects (tests/Harness.Conformance.Tests); the Dockerfile's image, harness:local,
# built and run in a Docker engine that is installed and started when missing (and stopped again if this run started it),
# through the Testcontainers module, the example agent's tests and docker-compose; the .NET tool; every docs command.
# Ends with one line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGS=$(mktemp -d)
. scripts/docker-engine.sh
# An engine this run started is stopped once the image is tested, or here when the run ends early.
cleanup() {
  if [ "$DOCKER_ENGINE_STARTED" = 1 ]; then docker_engine_stop; fi
  rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
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
if ! need curl; then
  (apt-get update -qq && apt-get install -y -qq curl) >/dev/null 2>&1 || { echo "curl is required (the scenario clients use it)" >&2; exit 2; }
fi
if ! need redis-server; then
  # The cluster tests start their own redis-server on a free loopback port and stop it; nothing here starts the service.
  (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null 2>&1 || { echo "redis-server is required for the cluster tests" >&2; exit 2; }
fi
if ! /usr/bin/python3 -c 'import cloudinit.sources.DataSourceAliYun' 2>/dev/null || ! need go \
     || [ ! -d /usr/share/gocode/src/github.com/denverdino/aliyungo ]; then
  # Debian's cloud-init and aliyungo (GOPATH source) are the clients tests/conformance/alibaba/clients.sh drives.
  (apt-get update -qq && apt-get install -y -qq cloud-init golang-go golang-github-denverdino-aliyungo-dev) >/dev/null 2>&1 \
    || { echo "cloud-init, golang-go and golang-github-denverdino-aliyungo-dev are required for the Alibaba clients test" >&2; exit 2; }
fi
if ! need chromium; then
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || { echo "chromium is required for the report test" >&2; exit 2; }
fi
if [ -f tests/conformance/js/package.json ] && { [ ! -d tests/conformance/js/node_modules ] \
     || [ tests/conformance/js/package-lock.json -nt tests/conformance/js/node_modules/.package-lock.json ]; }; then
  (cd tests/conformance/js && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed" >&2; exit 2; }
fi
if [ ! -d tests/conformance/alibaba/node_modules ] \
     || [ tests/conformance/alibaba/package-lock.json -nt tests/conformance/alibaba/node_modules/.package-lock.json ]; then
  (cd tests/conformance/alibaba && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci (alibaba) failed" >&2; exit 2; }
fi

step "build (Release)"
dotnet build Harness.sln -c Release -nologo -v quiet || exit 1

step "Docker engine, docker-compose and the images (scripts/docker-engine.sh, scripts/build-image.sh)"
# Before the .NET tests: the Testcontainers module's tests and the example's container tests start harness:local.
# A failed build fails the run even when an older harness:local is there for the tests to pass on.
if ! { docker_engine_ensure && bash scripts/build-image.sh; }; then
  status=1; failed=$((failed + 1))
  echo "the Docker engine or scripts/build-image.sh failed" >> "$LOGS/failures"
fi
if ! need docker-compose && ! docker compose version >/dev/null 2>&1; then
  (apt-get install -y -qq docker-compose || { apt-get update -qq && apt-get install -y -qq docker-compose; }) >/dev/null 2>&1 \
    || echo "could not install docker-compose: the compose test will fail" >&2
fi
# Testcontainers' reaper (Ryuk) is an image to pull, and none can be pulled here: the tests dispose their containers.
export TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true}

# run LOG COMMAND...: runs a suite, shows its output, keeps it for counting; a failing suite fails the run. The names
# of failed tests are kept too, to be listed again at the end, where a CI log's tail shows them.
run() {
  local log=$1; shift
  "$@" 2>&1 | tee "$log"
  if [ "${PIPESTATUS[0]}" -ne 0 ]; then
    status=1
    echo "$*: exited non-zero" >> "$LOGS/failures"
  fi
  grep -E '^\s+Failed [A-Za-z]|^(FAIL|ERROR): |^  FAIL  |^not ok|^\s+not ok' "$log" >> "$LOGS/failures" || true
}

# tally LOG PASSED-PATTERN FAILED-PATTERN: adds the last numbers the suite printed to the totals.
tally() {
  local p f
  p=$(grep -oE "$2" "$1" | grep -oE '[0-9]+' | tail -1)
  f=$(grep -oE "$3" "$1" | grep -oE '[0-9]+' | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ -z "$p" ] && [ -z "$f" ]; then failed=$((failed + 1)); status=1; fi
}

# unittest_tally LOG: python's unittest prints "Ran N tests" and "FAILED (failures=a, errors=b)".
unittest_tally() {
  local ran bad
  ran=$(grep -oE '^Ran [0-9]+' "$1" | grep -oE '[0-9]+' | tail -1)
  bad=$(grep -oE '(failures|errors)=[0-9]+' "$1" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${ran:-0} - bad)); failed=$((failed + bad))
  [ -n "$ran" ] || { failed=$((failed + 1)); status=1; }
}

# The projects under tests/, then the examples users copy (examples/*/*.Tests).
for project in tests/Harness.*.Tests examples/*/*.Tests; do
  [ -f "$project/$(basename "$project").csproj" ] || continue
  step "dotnet test $project"
  run "$LOGS/dotnet.log" dotnet test "$project" -c Release --no-build -nologo
  tally "$LOGS/dotnet.log" 'Passed: +[0-9]+' 'Failed: +[0-9]+'
done

step "boto3 conformance suite"
run "$LOGS/python.log" bash tests/conformance/python/run.sh
unittest_tally "$LOGS/python.log"

# The same suite against a cluster of three processes with state in Redis: each boto3 call goes to the next process,
# so what a test reads right after it wrote was written through another process.
step "boto3 conformance suite against a three-process cluster (--cluster, --state)"
run "$LOGS/python-cluster.log" env HARNESS_CLUSTER=3 bash tests/conformance/python/run.sh
unittest_tally "$LOGS/python-cluster.log"

step "scenario and load reports in a browser (chromium)"
run "$LOGS/reports.log" python3 -m unittest discover -s tests/browser -p 'test_*.py' -v
unittest_tally "$LOGS/reports.log"

step "packaging (the image in a container, docker-compose, the .NET tool, the docs' commands)"
run "$LOGS/packaging.log" python3 -m unittest discover -s tests/packaging -p 'test_*.py' -v
unittest_tally "$LOGS/packaging.log"
# Containers a killed test left behind (no reaper runs): Testcontainers labels its own.
leftover=$(docker ps -aq --filter label=org.testcontainers=true 2>/dev/null)
[ -z "$leftover" ] || docker rm -f $leftover >/dev/null 2>&1 || true
if [ "$DOCKER_ENGINE_STARTED" = 1 ]; then docker_engine_stop; DOCKER_ENGINE_STARTED=0; fi

step "AWS CLI walk-through"
run "$LOGS/cli.log" env HARNESS_NO_BUILD=1 bash tests/conformance/cli/walkthrough.sh
tally "$LOGS/cli.log" 'cli: [0-9]+ passed' 'passed, [0-9]+ failed'

step "AWS CLI against serve --verify-signatures"
run "$LOGS/cli-signatures.log" env HARNESS_NO_BUILD=1 bash tests/conformance/cli/signatures.sh
tally "$LOGS/cli-signatures.log" 'cli-signatures: [0-9]+ passed' 'passed, [0-9]+ failed'

step "AWS SDK for JavaScript v3: EC2 smoke and metadata tests"
run "$LOGS/js.log" env HARNESS_NO_BUILD=1 bash tests/conformance/js/run.sh
tally "$LOGS/js.log" '^# pass [0-9]+' '^# fail [0-9]+'

step "Alibaba Cloud's Node.js clients (ECS and VPC SDKs with ACS3 signing, pop-core with HMAC-SHA1)"
run "$LOGS/alibaba.log" env HARNESS_NO_BUILD=1 bash tests/conformance/alibaba/run.sh
tally "$LOGS/alibaba.log" '^# pass [0-9]+' '^# fail [0-9]+'

step "Alibaba Cloud's clients in Debian: cloud-init's AliYun datasource, aliyungo's ECS and metadata clients"
run "$LOGS/alibaba-clients.log" env HARNESS_NO_BUILD=1 bash tests/conformance/alibaba/clients.sh
tally "$LOGS/alibaba-clients.log" 'alibaba-clients: [0-9]+ passed' 'passed, [0-9]+ failed'

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ -s "$LOGS/failures" ]; then
  echo
  echo "=== what failed"
  cat "$LOGS/failures"
fi
echo
echo "$passed passed, $failed failed"
exit "$status"
