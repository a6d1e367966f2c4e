#!/usr/bin/env bash
# Runs the JS SDK v3 smoke tests against the harness.
# Endpoint: $AWS_ENDPOINT_URL_EC2 if set; otherwise builds and starts the harness on a free port
# and stops it on exit (HARNESS_NO_BUILD=1 skips `dotnet build`).  Extra args go to `node --test`.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
LOG="$(mktemp "${TMPDIR:-/tmp}/harness-js.XXXXXX.log")"

cleanup() {
  harness_stop
  rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$HERE" || exit 2
# (re)install when node_modules is missing or older than the lock file (a dependency was added)
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund || exit 2
  else npm install --no-audit --no-fund || exit 2; fi
fi

# shellcheck source=../start-harness.sh
. "$ROOT/tests/conformance/start-harness.sh"
harness_start "$LOG" || { echo "js: no harness"; exit 1; }

node --test "$@"
