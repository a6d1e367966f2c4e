#!/usr/bin/env bash
# Runs the JS SDK v3 smoke tests against the harness.
# Endpoint: $AWS_ENDPOINT_URL_EC2 if set; otherwise builds and starts the harness on a free port
# and stops it on exit (HARNESS_NO_BUILD=1 skips `dotnet build`).  Extra args go to `node --test`.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
HPID=""
LOG="$(mktemp "${TMPDIR:-/tmp}/harness-js.XXXXXX.log")"

cleanup() {
  if [ -n "$HPID" ]; then
    kill "$HPID" 2>/dev/null
    wait "$HPID" 2>/dev/null
  fi
  rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$HERE" || exit 2
if [ ! -d node_modules ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund || exit 2
  else npm install --no-audit --no-fund || exit 2; fi
fi

if [ -z "${AWS_ENDPOINT_URL_EC2:-}" ]; then
  free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
  if [ "${HARNESS_NO_BUILD:-0}" != 1 ]; then
    (cd "$ROOT" && dotnet build src/Harness.Host -c Release -nologo -v q) >"$LOG" 2>&1 \
      || { tail -30 "$LOG"; echo "js: harness build failed"; exit 1; }
  fi
  EC2_PORT="$(free_port)"; IMDS_PORT="$(free_port)"
  (cd "$ROOT" && exec dotnet src/Harness.Host/bin/Release/net10.0/harness.dll serve \
     --ec2-port "$EC2_PORT" --imds-port "$IMDS_PORT" --seed 1) >"$LOG" 2>&1 &
  HPID=$!
  export AWS_ENDPOINT_URL_EC2="http://127.0.0.1:$EC2_PORT"
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null "$AWS_ENDPOINT_URL_EC2/_harness/health" && break
    kill -0 "$HPID" 2>/dev/null || break
    sleep 0.5
  done
  curl -fs -o /dev/null "$AWS_ENDPOINT_URL_EC2/_harness/health" \
    || { tail -30 "$LOG"; echo "js: harness did not become healthy"; exit 1; }
  echo "harness started on $AWS_ENDPOINT_URL_EC2 (pid $HPID)"
fi

node --test "$@"
