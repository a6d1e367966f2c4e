"""One harness process for the whole conformance run, plus boto3 clients pointed at it.

Usage from tests:  ``from harness_process import client, reset, endpoint``.

* If env ``HARNESS_EC2_URL`` is set, that server is used and nothing is started.
* Otherwise the already-built Release host is started once (lazily, on first use) on free
  loopback ports:  ``dotnet src/Harness.Host/bin/Release/net10.0/harness.dll serve
  --ec2-port P --imds-port Q --seed 1`` from the repo root, and killed at interpreter exit.
  Building is the runner script's job, not ours.
"""
import atexit
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HARNESS_DLL = os.path.join(REPO_ROOT, "src", "Harness.Host", "bin", "Release", "net10.0", "harness.dll")
HEALTH_TIMEOUT_S = 120
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "secret"

_lock = threading.Lock()
_endpoint = None
_proc = None
_log_path = None

# How often a call was retried after RequestLimitExceeded (see _throttle_retry).
throttle_retries = 0


def _free_port():
    """Bind-test: ask the OS for a free port on 127.0.0.1 and release it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(method, url, timeout=5):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read()


def _wait_healthy(base, proc=None):
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"harness exited early with {proc.returncode}; log: {_log_tail()}")
        try:
            status, _ = _http("GET", base + "/_harness/health", timeout=2)
            if status == 200:
                return
            last = f"HTTP {status}"
        except Exception as e:  # not listening yet
            last = repr(e)
        time.sleep(0.25)
    raise RuntimeError(f"harness not healthy after {HEALTH_TIMEOUT_S}s ({last}); log: {_log_tail()}")


def _log_tail():
    if not _log_path or not os.path.exists(_log_path):
        return "<no log>"
    with open(_log_path, "rb") as f:
        return f.read()[-3000:].decode("utf-8", "replace")


def _stop():
    global _proc
    if _proc is not None and _proc.poll() is None:
        _proc.terminate()
        try:
            _proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _proc.kill()
            _proc.wait(timeout=10)
    _proc = None


def endpoint():
    """Base URL of the EC2 endpoint (no trailing slash); starts the harness on first call."""
    global _endpoint, _proc, _log_path
    with _lock:
        if _endpoint:
            return _endpoint
        url = os.environ.get("HARNESS_EC2_URL")
        if url:
            _endpoint = url.rstrip("/")
            return _endpoint
        if not os.path.exists(HARNESS_DLL):
            raise RuntimeError(f"{HARNESS_DLL} missing: build with `dotnet build src/Harness.Host -c Release`")
        ec2_port, imds_port = _free_port(), _free_port()
        while imds_port == ec2_port:
            imds_port = _free_port()
        fd, _log_path = tempfile.mkstemp(prefix="harness-conformance-", suffix=".log")
        log = os.fdopen(fd, "wb")
        _proc = subprocess.Popen(
            ["dotnet", HARNESS_DLL, "serve", "--ec2-port", str(ec2_port),
             "--imds-port", str(imds_port), "--seed", "1"],
            cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        atexit.register(_stop)
        base = f"http://127.0.0.1:{ec2_port}"
        try:
            _wait_healthy(base, _proc)
        except Exception:
            _stop()
            raise
        sys.stderr.write(f"[harness] pid {_proc.pid} on {base} (log {_log_path})\n")
        _endpoint = base
        return _endpoint


def reset():
    """Empty every region. Falls back to moto's reset so the suite can be smoke-run on moto."""
    base = endpoint()
    try:
        status, _ = _http("POST", base + "/_harness/reset")
        if status in (200, 204):
            return
        raise RuntimeError(f"/_harness/reset answered {status}")
    except urllib.error.HTTPError as e:
        # only a foreign server (moto, for smoke runs via HARNESS_EC2_URL) lacks the control API
        if e.code == 404 or (os.environ.get("HARNESS_EC2_URL") and e.code >= 400):
            _http("POST", base + "/moto-api/reset")
            return
        raise


def _throttle_retry(response=None, attempts=None, **_):
    """needs-retry hook: retry only RequestLimitExceeded (EC2 throttling), never anything else.

    Retries are otherwise disabled (max_attempts=1) so every other error surfaces as-is; the
    throttling buckets of real EC2 (and the harness) would make a fast suite flaky without this.
    """
    global throttle_retries
    if response is None or attempts is None or attempts > 120:
        return None
    parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else None
    code = (parsed or {}).get("Error", {}).get("Code")
    if code == "RequestLimitExceeded":
        throttle_retries += 1
        return min(0.1 * attempts, 1.0)
    return None


def client(region="us-east-1", retry_throttling=True, validate=True):
    """A plain boto3 EC2 client aimed at the harness (dummy creds, botocore retries disabled).

    validate=False turns off botocore's client-side checks so out-of-range values reach the server.
    """
    c = boto3.client(
        "ec2",
        region_name=region,
        endpoint_url=endpoint(),
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30,
                      parameter_validation=validate),
    )
    if retry_throttling:
        c.meta.events.register("needs-retry.ec2.*", _throttle_retry)
    return c
