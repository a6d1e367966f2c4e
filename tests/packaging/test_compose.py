"""docker-compose.yml brought up for real: the harness and the failover agent beside it.

The agent container runs the vip-failover scenario against the harness service with the repository's C# agent as its
client; compose's exit code is the agent container's, 0 only if the scenario passed (the agent waited for its
instance's metadata). Both images come from scripts/build-image.sh (harness:local, harness-failover-agent:local), so
compose runs with --no-build. No engine, no compose or no image is a failure, not a skip: scripts/test-all.sh provides
them. Everything compose started is taken down whatever happens.
"""
import os
import secrets
import shutil
import subprocess
import unittest

from support import free_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROJECT = "harness-compose-test"
UP_TIMEOUT_S = 300


def compose_command():
    """Debian's docker-compose (1.29), or the docker compose plugin (v2) where that is what is installed."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    raise AssertionError("neither docker-compose nor docker compose is installed (scripts/test-all.sh installs docker-compose)")


class ComposeUpTest(unittest.TestCase):
    def test_the_failover_agent_runs_against_the_harness_and_exits_0(self):
        compose = compose_command() + ["-p", PROJECT, "-f", os.path.join(ROOT, "docker-compose.yml")]
        env = {**os.environ, "HARNESS_CONTROL_TOKEN": secrets.token_hex(16),
               "HARNESS_EC2_PORT": str(free_port()), "HARNESS_IMDS_PORT": str(free_port())}
        self.addCleanup(subprocess.run, compose + ["down", "--volumes", "--remove-orphans", "--timeout", "5"],
                        env=env, cwd=ROOT, capture_output=True, timeout=120)

        up = subprocess.run(compose + ["up", "--no-build", "--exit-code-from", "failover-agent"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=UP_TIMEOUT_S)

        output = up.stdout + up.stderr
        self.assertEqual(up.returncode, 0, output[-4000:])
        self.assertIn("vip-failover: PASSED", output, output[-4000:])
        self.assertIn("waited for metadata to show 10.0.1.50", output, output[-4000:])


if __name__ == "__main__":
    unittest.main()
