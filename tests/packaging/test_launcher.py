"""scripts/harness and scripts/harness-load: the quick way to start the harness and the load tool.

They build once, then start the built binaries straight away; they build again only when a source is newer than
their last build. (How fast that start is, is a figure, not an assertion: docs/running.md.)
"""
import os
import subprocess
import unittest

from support import free_port, wait_for_health

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HARNESS = os.path.join(ROOT, "scripts", "harness")
LOAD = os.path.join(ROOT, "scripts", "harness-load")


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


class LauncherTest(unittest.TestCase):
    def test_after_one_build_the_launchers_start_the_built_binaries_without_building(self):
        for launcher in (HARNESS, LOAD):
            run(launcher, "--help")  # builds if needed
            again = run(launcher, "--help")
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertNotIn("building", again.stderr)
            self.assertIn("harness-load" if launcher == LOAD else "serve", again.stdout + again.stderr)

    def test_serve_through_the_launcher_answers_health(self):
        run(HARNESS, "--help")
        ec2, imds = free_port(), free_port()
        server = subprocess.Popen([HARNESS, "serve", "--ec2-port", str(ec2), "--imds-port", str(imds), "--ecs-port", str(free_port())],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_for_health(self, server, ec2)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    unittest.main()
