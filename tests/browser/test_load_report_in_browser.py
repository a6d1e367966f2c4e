"""The HTML report of a load run in a real browser (Debian's chromium, headless).

Runs harness-load's mixed workload briefly (built in Release, an embedded harness), opens its report.html, and checks
what chromium made of it: every chart is an SVG with its marks and no NaN, every step of report.json is in the tables
with its count, nothing points outside the file, and a screenshot renders.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from test_report_in_browser import Elements, headless

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOAD = os.path.join(ROOT, "load", "Harness.Load", "bin", "Release", "net10.0", "harness-load.dll")


class LoadReportInBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="harness-load-report-")
        run = subprocess.run(
            ["dotnet", LOAD, "mixed", "--duration", "3s", "--rate", "60", "--instances", "6", "--poll-interval", "50ms",
             "--delay", "lognormal(median=200ms,p99=800ms)", "--warm-up", "0s", "--settle", "2s", "--quiet", "--report", cls.directory],
            capture_output=True, text=True, timeout=180)
        assert run.returncode == 0, run.stdout + run.stderr
        with open(os.path.join(cls.directory, "report.json"), encoding="utf-8") as f:
            cls.report = json.load(f)
        cls.page = "file://" + os.path.join(cls.directory, "report.html")
        dom = subprocess.run(headless("--dump-dom", cls.page), capture_output=True, text=True, timeout=120)
        assert dom.returncode == 0 and "<svg" in dom.stdout, dom.stderr[-2000:]
        cls.dom = dom.stdout
        parser = Elements()
        parser.feed(dom.stdout)
        cls.elements = parser.elements

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def charts(self):
        """Each <svg>'s label with the names of the elements inside it."""
        found = []
        for name, attributes, _ in self.elements:
            if name == "svg":
                found.append((attributes.get("aria-label", ""), []))
            elif found:
                found[-1][1].append(name)
        return found

    def test_every_scenario_has_its_three_charts_and_the_convergence_chart_is_there(self):
        labels = [label for label, _ in self.charts()]
        for scenario in self.report["scenarios"]:
            for chart in ("throughput", "latency over time", "latency distribution"):
                self.assertIn(f"{scenario['name']}: {chart}", labels)
        self.assertTrue(any("convergence" in label for label in labels), labels)

    def test_every_chart_draws_something_and_no_coordinate_is_nan(self):
        for label, inside in self.charts():
            self.assertTrue({"polyline", "rect", "circle", "path"} & set(inside), label)
        self.assertNotIn("NaN", self.dom)
        self.assertNotIn("Infinity", self.dom)

    def test_every_step_is_in_the_tables_with_its_count(self):
        rows = [text for name, _, text in self.elements if name == "td"]
        for scenario in self.report["scenarios"]:
            self.assertGreater(len(scenario["steps"]), 0, scenario["name"])
            for step in scenario["steps"]:
                self.assertIn(step["name"], rows)
                self.assertGreater(step["count"], 0, step["name"])
                self.assertIn(f"{step['count']:,}", rows)
        self.assertGreater(self.report["convergence"]["converged"], 0)

    def test_nothing_is_loaded_from_outside_the_file(self):
        for name, attributes, _ in self.elements:
            for key in ("src", "href"):
                value = attributes.get(key) or ""
                self.assertFalse(value.startswith(("http:", "https:", "//")), f"<{name} {key}={value}>")

    def test_the_page_renders_to_a_screenshot(self):
        shot = os.path.join(self.directory, "report.png")
        subprocess.run(headless(f"--screenshot={shot}", "--window-size=1250,900", self.page),
                       capture_output=True, timeout=120, check=True)
        self.assertGreater(os.path.getsize(shot), 20_000)


if __name__ == "__main__":
    unittest.main()
