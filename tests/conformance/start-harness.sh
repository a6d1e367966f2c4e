# Sourced by the conformance scripts: unless AWS_ENDPOINT_URL_EC2 is set, build (skipped with
# HARNESS_NO_BUILD=1) and start the harness on free loopback ports, wait for its health check, and
# export AWS_ENDPOINT_URL_EC2 (and HARNESS_ECS_ENDPOINT, its Alibaba Cloud port, host:port). harness_stop ends it;
# call it from the script's EXIT trap.
#   harness_start LOGFILE   -> 0 when a harness answers; otherwise prints the log's tail and returns 1
HARNESS_PID=""

harness_stop() {
  if [ -n "$HARNESS_PID" ]; then
    kill "$HARNESS_PID" 2>/dev/null
    wait "$HARNESS_PID" 2>/dev/null
    HARNESS_PID=""
  fi
}

harness_start() {
  local log=$1 root ec2_port imds_port ecs_port
  if [ -n "${AWS_ENDPOINT_URL_EC2:-}" ]; then
    echo "using endpoint $AWS_ENDPOINT_URL_EC2"
    return 0
  fi
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  if [ "${HARNESS_NO_BUILD:-0}" != 1 ]; then
    echo "building harness ..."
    (cd "$root" && dotnet build src/Harness.Host -c Release -nologo -v q) >"$log" 2>&1 \
      || { tail -30 "$log"; echo "harness build failed"; return 1; }
  fi
  ec2_port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
  imds_port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
  ecs_port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
  (cd "$root" && exec dotnet src/Harness.Host/bin/Release/net10.0/harness.dll serve \
     --ec2-port "$ec2_port" --imds-port "$imds_port" --ecs-port "$ecs_port" --seed 1) >"$log" 2>&1 &
  HARNESS_PID=$!
  export AWS_ENDPOINT_URL_EC2="http://127.0.0.1:$ec2_port"
  export HARNESS_ECS_ENDPOINT="127.0.0.1:$ecs_port" HARNESS_IMDS_PORT="$imds_port"
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null "$AWS_ENDPOINT_URL_EC2/_harness/health" && break
    kill -0 "$HARNESS_PID" 2>/dev/null || break
    sleep 0.5
  done
  if ! curl -fs -o /dev/null "$AWS_ENDPOINT_URL_EC2/_harness/health"; then
    tail -30 "$log"; echo "harness did not become healthy"; return 1
  fi
  echo "harness started on $AWS_ENDPOINT_URL_EC2 (pid $HARNESS_PID)"
}
