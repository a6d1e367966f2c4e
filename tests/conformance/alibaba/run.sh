#!/usr/bin/env bash
# Runs the Alibaba Cloud dialect's tests with Alibaba's Node.js clients against the harness.
# Endpoint: $HARNESS_ECS_ENDPOINT (host:port) with $HARNESS_CONTROL_URL (the control API's base URL) if set; otherwise builds and starts the harness on free ports and stops
# it on exit (HARNESS_NO_BUILD=1 skips `dotnet build`). Extra args go to `node --test`.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
LOG="$(mktemp "${TMPDIR:-/tmp}/harness-alibaba.XXXXXX.log")"

cleanup() {
  harness_stop
  rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$HERE" || exit 2
# (re)install when node_modules is missing or older than the lock file (a dependency was added)
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || exit 2
fi

# shellcheck source=../start-harness.sh
. "$ROOT/tests/conformance/start-harness.sh"
if [ -z "${HARNESS_ECS_ENDPOINT:-}" ]; then
  unset AWS_ENDPOINT_URL_EC2
  harness_start "$LOG" || { echo "alibaba: no harness"; exit 1; }
  # The control API (/_harness/…) is on the EC2 port; nothing here speaks EC2.
  export HARNESS_CONTROL_URL="$AWS_ENDPOINT_URL_EC2"
  unset AWS_ENDPOINT_URL_EC2
fi

node --test "$@"
