#!/usr/bin/env bash
# Connection flood: harness serve on loopback, then CONNECTIONS idle TCP connections (default 50,000, or as many as
# this shell's hard open-file limit allows, which is said) spread over the EC2 and metadata listeners, held open.
# While they open and while they are held, a DescribeVpcs and an IMDSv2 metadata read run again and again, each on a
# connection of its own. Prints how many connections were accepted, how many the harness closed (silent ones evicted
# for newer callers, or refused past its limit), how many could not connect, the latency of the normal calls, and
# whether the harness is alive at the end. Everything on 127.0.0.1; about a minute.
#
#   load/bench/flood.sh
#   CONNECTIONS=20000 HOLD=20 load/bench/flood.sh
set -uo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set -/{/^set -/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench-results"
CONNECTIONS=${CONNECTIONS:-50000}
HOLD=${HOLD:-15}
EC2_PORT=${EC2_PORT:-18280}
IMDS_PORT=${IMDS_PORT:-18281}
mkdir -p "$OUT"
# shellcheck source=lib.sh
. "$ROOT/load/bench/lib.sh"

for port in "$EC2_PORT" "$IMDS_PORT"; do port_free "$port" || { echo "port $port is taken (set EC2_PORT / IMDS_PORT)" >&2; exit 1; }; done

log "build (Release)"
timeout 300 dotnet build -c Release --nologo -v q "$ROOT/src/Harness.Host" >"$OUT/flood-build.log" 2>&1 \
  || { cat "$OUT/flood-build.log" >&2; exit 1; }

# The harness raises its own soft limit to the hard one; this shell does the same for the flooder.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log "harness serve on $EC2_PORT and $IMDS_PORT (open-file limit here: $(ulimit -n))"
start_bg flood-harness dotnet "$ROOT/src/Harness.Host/bin/Release/net10.0/harness.dll" serve --ec2-port "$EC2_PORT" --imds-port "$IMDS_PORT"
HARNESS_PID=${PGIDS[-1]}
own_server flood-harness "$HARNESS_PID" "Ctrl-C stops it."
grep -E "connections:" "$OUT/flood-harness.log" >&2

log "flood: $CONNECTIONS connections, held $HOLD s"
timeout $((HOLD + 240)) python3 - "$EC2_PORT" "$IMDS_PORT" "$CONNECTIONS" "$HOLD" "$HARNESS_PID" <<'PY'
import os, re, resource, socket, statistics, sys, threading, time, urllib.request

ec2_port, imds_port, wanted, hold, pid = (int(a) for a in sys.argv[1:])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
count = min(wanted, soft - 200)
if count < wanted:
    print(f"this process may open {soft} files (hard limit {hard}): {count} connections, not {wanted}")
ec2 = f"http://127.0.0.1:{ec2_port}"
SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/ec2/aws4_request, "
                           "SignedHeaders=host;x-amz-date, Signature=0000", "X-Amz-Date": "20261204T000000Z",
          "Content-Type": "application/x-www-form-urlencoded"}

def call(action, **params):
    body = "&".join([f"Action={action}", "Version=2016-11-15"] + [f"{k}={v}" for k, v in params.items()]).encode()
    with urllib.request.urlopen(urllib.request.Request(ec2 + "/", data=body, headers=SIGNED), timeout=30) as r:
        return r.read().decode()

def first(xml, tag):
    return re.search(f"<{tag}>([^<]+)</{tag}>", xml).group(1)

vpc = first(call("CreateVpc", CidrBlock="10.9.0.0/16"), "vpcId")
subnet = first(call("CreateSubnet", VpcId=vpc, CidrBlock="10.9.1.0/24"), "subnetId")
iid = first(call("RunInstances", ImageId="ami-0123456789abcdef0", InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet), "instanceId")
urllib.request.urlopen(urllib.request.Request(ec2 + "/_harness/propagation/flush", data=b"", method="POST",
                                              headers={"Content-Type": "application/json"}), timeout=30).close()

def metadata():
    base = f"http://127.0.0.1:{imds_port}"
    put = urllib.request.Request(base + "/latest/api/token", method="PUT",
                                 headers={"X-aws-ec2-metadata-token-ttl-seconds": "60", "X-Harness-Instance-Id": iid})
    with urllib.request.urlopen(put, timeout=30) as r:
        token = r.read().decode()
    get = urllib.request.Request(base + "/latest/meta-data/instance-id", headers={"X-aws-ec2-metadata-token": token, "X-Harness-Instance-Id": iid})
    with urllib.request.urlopen(get, timeout=30) as r:
        assert r.read().decode() == iid

latencies = {"DescribeVpcs": [], "metadata": []}
errors = []
stop = threading.Event()

def probe():
    while not stop.is_set():
        for name, fn in (("DescribeVpcs", lambda: call("DescribeVpcs")), ("metadata", metadata)):
            t0 = time.monotonic()
            try:
                fn()
                latencies[name].append((time.monotonic() - t0) * 1000)
            except Exception as e:  # noqa: BLE001 - every failure is counted and shown
                errors.append(f"{name}: {e}")
        stop.wait(0.2)

prober = threading.Thread(target=probe)
prober.start()
held, failed, t0 = [], 0, time.monotonic()
for i in range(count):
    s = socket.socket()
    s.settimeout(3)
    try:
        s.connect(("127.0.0.1", ec2_port if i % 2 == 0 else imds_port))
        held.append(s)
    except OSError:
        failed += 1
        s.close()
opened = time.monotonic() - t0
print(f"opened {len(held)} connections in {opened:.1f} s; {failed} could not connect")
time.sleep(hold)
closed = 0
for s in held:
    s.setblocking(False)
    try:
        if s.recv(1, socket.MSG_PEEK) == b"":
            closed += 1
    except BlockingIOError:
        pass  # still open: nothing to read
    except OSError:
        closed += 1
stop.set()
prober.join()
for s in held:
    s.close()
alive = os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split()[2] != "Z"
print(f"accepted and still held after {hold} s: {len(held) - closed}; closed by the harness (evicted or refused): {closed}; could not connect: {failed}")
for name, values in latencies.items():
    if values:
        q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
        print(f"{name:13s} during the flood: {len(values)} calls, p50 {q[49]:.0f} ms, p99 {q[98]:.0f} ms, max {max(values):.0f} ms")
print(f"failed normal calls: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
try:
    call("DescribeVpcs")
    after = "answers"
except Exception as e:  # noqa: BLE001
    after = f"does not answer: {e}"
print(f"harness after the flood: {'alive' if alive else 'DEAD'}, {after}")
sys.exit(0 if alive and not errors else 1)
PY
status=$?
stop_all
exit $status
