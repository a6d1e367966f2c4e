"""One harness process for the whole conformance run, plus boto3 clients pointed at it.

Usage from tests:  ``from harness_process import client, reset, endpoint``.

* If env ``HARNESS_EC2_URL`` is set, that server is used and nothing is started (its metadata port,
  if any, comes from env ``HARNESS_IMDS_PORT``).
* Otherwise the already-built Release host is started once (lazily, on first use) on free
  loopback ports:  ``dotnet src/Harness.Host/bin/Release/net10.0/harness.dll serve
  --ec2-port P --imds-port Q --seed 1`` from the repo root, and killed at interpreter exit.
  Building is the runner script's job, not ours.
* ``imds_port()`` / ``imds_url()`` give the shared process's metadata port and its tools address
  (``http://127.0.0.1:Q``, which needs header ``X-Harness-Instance-Id``).
* With env ``HARNESS_CLUSTER=N`` (N >= 2), the shared harness is a cluster: a ``redis-server`` on a free port and
  N ``serve --cluster … --state …`` processes on it. ``endpoint()`` is the first one (the control API: reset,
  metadata); ``client()`` sends each call to the next process in turn, so whatever a test reads right after it
  wrote was written through another process.
* ``start(propagation="fixed(1500ms)", seed=1)`` starts a further, dedicated process (a
  :class:`HarnessServer`) for tests that need other serve options; ``.stop()`` it when done
  (it is also stopped at interpreter exit). ``client(..., endpoint_url=srv.ec2_url)`` and
  ``reset(srv.ec2_url)`` aim at it.
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
_shared = None  # the HarnessServer behind endpoint(), once started
_cluster = []  # with HARNESS_CLUSTER: every process of the shared cluster, _shared first
_external_url = None  # HARNESS_EC2_URL, when set

# How often a call was retried after RequestLimitExceeded (see _throttle_retry).
throttle_retries = 0


def _free_port():
    """Bind-test: ask the OS for a free port on 127.0.0.1 and release it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(method, url, timeout=5, body=None, headers=None):
    data = body if body is not None else (b"" if method in ("POST", "PUT") else None)
    headers = dict(headers or {})
    if method in ("POST", "PUT") and not any(k.lower() == "content-type" for k in headers):
        # The control API takes POST and PUT as JSON only, even with no body (a browser cannot send that cross-site).
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, method=method, data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read()


def _read_tail(path):
    if not path or not os.path.exists(path):
        return "<no log>"
    with open(path, "rb") as f:
        return f.read()[-3000:].decode("utf-8", "replace")


class HarnessServer:
    """One ``harness serve`` process on free loopback ports.

    ``propagation`` is passed as ``--propagation SPEC`` (None: the harness's default, which also
    honours env HARNESS_PROPAGATION). ``extra_args`` are appended to the command line.
    """

    def __init__(self, propagation=None, seed=1, extra_args=()):
        self.propagation = propagation
        self.seed = seed
        self.extra_args = tuple(extra_args)
        self.ec2_port = None
        self.imds_port = None
        self.proc = None
        self.log_path = None

    @property
    def ec2_url(self):
        """Base URL of the EC2 endpoint and control API (no trailing slash)."""
        return f"http://127.0.0.1:{self.ec2_port}"

    @property
    def imds_url(self):
        """The metadata tools address (needs X-Harness-Instance-Id); instances have their own 127.a.b.c."""
        return f"http://127.0.0.1:{self.imds_port}"

    def command(self):
        args = ["dotnet", HARNESS_DLL, "serve", "--ec2-port", str(self.ec2_port),
                "--imds-port", str(self.imds_port), "--ecs-port", str(_free_port()), "--seed", str(self.seed)]
        if self.propagation is not None:
            args += ["--propagation", self.propagation]
        return args + list(self.extra_args)

    def start(self):
        if self.proc is not None:
            return self
        if not os.path.exists(HARNESS_DLL):
            raise RuntimeError(f"{HARNESS_DLL} missing: build with `dotnet build src/Harness.Host -c Release`")
        self.ec2_port, self.imds_port = _free_port(), _free_port()
        while self.imds_port == self.ec2_port:
            self.imds_port = _free_port()
        fd, self.log_path = tempfile.mkstemp(prefix="harness-conformance-", suffix=".log")
        with os.fdopen(fd, "wb") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(self.command(), cwd=REPO_ROOT, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        atexit.register(self.stop)
        try:
            _wait_healthy(self.ec2_url, self.proc, self.log_tail)
        except Exception:
            self.stop()
            raise
        sys.stderr.write(f"[harness] pid {self.proc.pid} on {self.ec2_url}, metadata port {self.imds_port}"
                         f"{'' if self.propagation is None else ', propagation ' + self.propagation}"
                         f" (log {self.log_path})\n")
        return self

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    def log_tail(self):
        return _read_tail(self.log_path)


def start(propagation=None, seed=1, extra_args=()):
    """Start a dedicated harness process (besides the shared one) and return it, healthy."""
    return HarnessServer(propagation, seed, extra_args).start()


def _wait_healthy(base, proc=None, log_tail=lambda: "<no log>"):
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"harness exited early with {proc.returncode}; log: {log_tail()}")
        try:
            status, _ = _http("GET", base + "/_harness/health", timeout=2)
            if status == 200:
                return
            last = f"HTTP {status}"
        except Exception as e:  # not listening yet
            last = repr(e)
        time.sleep(0.25)
    raise RuntimeError(f"harness not healthy after {HEALTH_TIMEOUT_S}s ({last}); log: {log_tail()}")


def _log_tail():
    return _shared.log_tail() if _shared is not None else "<no log>"


def _stop():
    if _shared is not None:
        _shared.stop()


def endpoint():
    """Base URL of the EC2 endpoint (no trailing slash); starts the harness on first call."""
    global _shared, _external_url
    with _lock:
        if _external_url:
            return _external_url
        if _shared is not None:
            return _shared.ec2_url
        url = os.environ.get("HARNESS_EC2_URL")
        if url:
            _external_url = url.rstrip("/")
            return _external_url
        processes = int(os.environ.get("HARNESS_CLUSTER", "1"))
        if processes > 1:
            _cluster.extend(_start_cluster(processes))
            _shared = _cluster[0]
        else:
            _shared = HarnessServer().start()
        return _shared.ec2_url


class RedisServer:
    """Debian's redis-server on a free loopback port, nothing kept on disk; stopped at interpreter exit."""

    def __init__(self):
        self.port = _free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        atexit.register(self.stop)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"redis-server did not answer on port {self.port}")
            time.sleep(0.1)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


def _start_cluster(processes):
    """A Redis and ``processes`` harness processes forming one cluster with durable state, each healthy and joined."""
    redis = RedisServer()
    servers = []
    for _ in range(processes):
        args = ["--cluster", redis.url, "--state", redis.url, "--cluster-id", "conformance",
                "--silo-port", str(_free_port()), "--gateway-port", str(_free_port())]
        servers.append(HarnessServer(extra_args=args).start())
    # Stopped before Redis (registered later, so run earlier at exit).
    for server in servers:
        atexit.register(server.stop)
    return servers


class _RoundRobin:
    """A boto3 EC2 client per process of the cluster, each API call made through the next one in turn."""

    def __init__(self, clients):
        self._clients = clients
        self._next = 0
        self._turn = threading.Lock()

    def __getattr__(self, name):
        first = getattr(self._clients[0], name)
        if not callable(first) or name.startswith(("get_", "can_")) or name in ("close",):
            return first  # meta, exceptions, waiters and paginators (they call through the first client)

        def call(*args, **kwargs):
            with self._turn:
                target = self._clients[self._next % len(self._clients)]
                self._next += 1
            return getattr(target, name)(*args, **kwargs)
        return call


def imds_port():
    """The shared harness's metadata port (HARNESS_IMDS_PORT for an external server, else None)."""
    endpoint()
    if _shared is not None:
        return _shared.imds_port
    port = os.environ.get("HARNESS_IMDS_PORT")
    return int(port) if port else None


def imds_url():
    """The shared harness's metadata tools address, http://127.0.0.1:<imds-port> (None if unknown)."""
    port = imds_port()
    return None if port is None else f"http://127.0.0.1:{port}"


def reset(base=None):
    """Empty every region of the shared harness (or of the server at ``base``).

    Falls back to moto's reset so the suite can be smoke-run on moto.
    """
    base = (base or endpoint()).rstrip("/")
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

    Retries are otherwise disabled (total_max_attempts=1: one attempt) so every other error surfaces as-is; the
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


def client(region="us-east-1", retry_throttling=True, validate=True, endpoint_url=None):
    """A plain boto3 EC2 client aimed at the harness (dummy creds, botocore retries disabled).

    validate=False turns off botocore's client-side checks so out-of-range values reach the server.
    endpoint_url aims it at another server (e.g. a HarnessServer's ec2_url) instead of the shared one.
    """
    if endpoint_url is None and (endpoint() and len(_cluster) > 1):
        return _RoundRobin([client(region, retry_throttling, validate, s.ec2_url) for s in _cluster])
    c = boto3.client(
        "ec2",
        region_name=region,
        endpoint_url=endpoint_url or endpoint(),
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30,
                      parameter_validation=validate),
    )
    if retry_throttling:
        c.meta.events.register("needs-retry.ec2.*", _throttle_retry)
    return c
