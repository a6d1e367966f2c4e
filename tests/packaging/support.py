"""What the packaging tests share: a free loopback port, and waiting for a harness process to answer its health check."""
import random
import socket
import time
import urllib.request


def _ephemeral_low():
    """The first port the kernel hands outgoing connections (32768 when it cannot be read)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ranges:
            return int(ranges.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_taken = set()


def free_port():
    """A port free on every address, below the kernel's ephemeral range: a port the kernel picks for us (port 0) is an
    ephemeral one, which an outgoing connection elsewhere on the machine may take before the harness binds it (the
    metadata listener binds 0.0.0.0, where any such connection conflicts). Never the same port twice in one process."""
    picker = random.SystemRandom()
    low = min(_ephemeral_low(), 32768)
    for _ in range(200 if low > 10000 else 0):
        port = picker.randrange(10000, low)
        if port in _taken:
            continue
        try:
            with socket.socket() as s:
                s.bind(("0.0.0.0", port))
        except OSError:
            continue
        _taken.add(port)
        return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _taken.add(port)
    return port


def wait_for_health(test, process, ec2_port, timeout_s=60, log=None):
    """Polls /_harness/health on ec2_port until it answers 200; fails the test if the process exits (with its log, when
    it writes to a file) or nothing answers within timeout_s."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{ec2_port}/_harness/health", timeout=5) as reply:
                test.assertEqual(reply.status, 200)
                return
        except OSError:
            if process.poll() is not None:
                if log is not None:
                    log.seek(0)
                test.fail(f"serve exited {process.returncode}: {log.read() if log is not None else ''}")
            test.assertLess(time.monotonic(), deadline, f"serve did not answer within {timeout_s} s")
            time.sleep(0.05)
