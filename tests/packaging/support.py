"""What the packaging tests share: a free loopback port, and waiting for a harness process to answer its health check."""
import socket
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
