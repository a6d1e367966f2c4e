"""The harness as a .NET tool: `dotnet pack` at the root, `dotnet tool install`, and the installed `harness` command.

The packages are made afresh into a folder of the test's own (a build already done makes that quick), and the tool
goes into a tool path of its own, so neither an earlier artifacts/ nor an earlier install of the same version can
stand in for what the sources make now. The tool is installed from that folder alone (--add-source, with a
nuget.config that clears every other source): what is installed is what was just packed. It brings every assembly it needs, so nothing else is
downloaded and the NuGet caches are the user's as they are.
"""
import glob
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from support import free_port, wait_for_health

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PACKAGE = "Harness.Tool"


def run(*command, cwd=None, timeout=600):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd)


class ToolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="harness-tool-")
        cls.artifacts = os.path.join(cls.work, "artifacts")
        started = time.monotonic()
        pack = run("dotnet", "pack", "-c", "Release", "-o", cls.artifacts, "-nologo", cwd=ROOT, timeout=900)
        cls.pack_seconds = time.monotonic() - started
        if pack.returncode != 0:
            shutil.rmtree(cls.work, ignore_errors=True)
            raise AssertionError(f"dotnet pack failed:\n{pack.stdout}\n{pack.stderr}")
        cls.pack_output = pack.stdout + pack.stderr

        packages = glob.glob(os.path.join(cls.artifacts, f"{PACKAGE}.*.nupkg"))
        if len(packages) != 1:
            shutil.rmtree(cls.work, ignore_errors=True)
            raise AssertionError(f"expected one {PACKAGE} package, found {packages}")
        cls.version = re.fullmatch(rf"{re.escape(PACKAGE)}\.(.+)\.nupkg", os.path.basename(packages[0])).group(1)

        config = os.path.join(cls.work, "nuget.config")
        with open(config, "w") as f:
            f.write('<?xml version="1.0" encoding="utf-8"?>\n'
                    '<configuration><packageSources><clear /></packageSources></configuration>\n')
        cls.tools = os.path.join(cls.work, "tools")
        install = run("dotnet", "tool", "install", "--tool-path", cls.tools, "--configfile", config,
                      "--add-source", cls.artifacts, PACKAGE, "--version", cls.version, cwd=cls.work)
        if install.returncode != 0:
            shutil.rmtree(cls.work, ignore_errors=True)
            raise AssertionError(f"dotnet tool install failed:\n{install.stdout}\n{install.stderr}")
        cls.harness = os.path.join(cls.tools, "harness")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def harness_run(self, *args, timeout=300):
        # From a folder of the test's own: reports and relative paths land there, not in the repository.
        return run(self.harness, *args, cwd=self.work, timeout=timeout)

    def test_pack_at_the_root_makes_the_tool_and_the_libraries_and_nothing_else(self):
        made = sorted(os.path.basename(p) for p in os.listdir(self.artifacts))
        self.assertEqual(made, [f"{name}.{self.version}.nupkg" for name in ("Harness.Client", "Harness.Testcontainers", PACKAGE)])
        self.assertNotIn("warning", self.pack_output.lower())

    def test_help_lists_every_command(self):
        result = self.harness_run("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("harness [command] [options]", result.stdout)
        for command in ("serve", "run", "health", "load"):
            self.assertRegex(result.stdout, rf"\n  {command}\b")

    def test_serve_answers_health_until_stopped(self):
        ec2, imds = free_port(), free_port()
        # Its output goes to a file: a pipe nobody reads could fill and stall it.
        log = open(os.path.join(self.work, "serve.log"), "w+")
        self.addCleanup(log.close)
        server = subprocess.Popen([self.harness, "serve", "--ec2-port", str(ec2), "--imds-port", str(imds), "--ecs-port", str(free_port())],
                                  cwd=self.work, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(server.wait, 30)
        self.addCleanup(server.kill)
        wait_for_health(self, server, ec2, log=log)

        health = self.harness_run("health", "--target", f"http://127.0.0.1:{ec2}")
        self.assertEqual((health.returncode, health.stdout.strip()), (0, "200 OK"), health.stderr)

        server.terminate()
        self.assertEqual(server.wait(timeout=30), 0)

    def test_run_passes_a_virtual_clock_scenario_and_writes_its_reports(self):
        scenario = os.path.join(ROOT, "scenarios", "flapping-metadata.yaml")
        reports = os.path.join(self.work, "reports")
        result = self.harness_run("run", scenario, "--report", reports)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("flapping-metadata: PASSED", result.stdout + result.stderr)
        for report in ("report.md", "report.html", "report.json", "junit.xml"):
            self.assertTrue(os.path.isfile(os.path.join(reports, report)), report)

    def test_load_is_harness_load_in_the_same_command(self):
        usage = self.harness_run("load", "--help")
        self.assertEqual(usage.returncode, 0, usage.stderr)
        self.assertIn("usage: harness-load <churn|pollers|describe-storm|mixed> [options]", usage.stdout)

        refused = self.harness_run("load", "churn", "--warp", "9")
        self.assertEqual(refused.returncode, 2)
        self.assertIn("harness-load churn: unknown option '--warp'", refused.stderr)


if __name__ == "__main__":
    unittest.main()
