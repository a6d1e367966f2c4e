"""The HTML report of a scenario in a real browser (Debian's chromium, headless).

Runs a shipped scenario with the harness built in Release, opens its report.html, and checks what chromium made
of it: the timeline's marks are in the rendered document (one per change, one per moment metadata caught up),
every expectation is in the table, nothing points outside the file, and a screenshot of the page renders.
"""
import html.parser
import json
import os
import shutil
import struct
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HARNESS = os.path.join(ROOT, "src", "Harness.Host", "bin", "Release", "net10.0", "harness.dll")


def chromium():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        raise AssertionError("chromium is required for this test (apt-get install chromium)")
    return browser


def headless(*arguments):
    return [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *arguments]


class Elements(html.parser.HTMLParser):
    """Collects (tag, attributes, text) of every element in a serialized document."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2] += data


class ReportInBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="harness-report-")
        run = subprocess.run(
            ["dotnet", HARNESS, "run", os.path.join(ROOT, "scenarios", "eip-follows-ip.yaml"), "--report", cls.directory],
            capture_output=True, text=True, timeout=180)
        assert run.returncode == 0, run.stdout + run.stderr
        with open(os.path.join(cls.directory, "report.json"), encoding="utf-8") as f:
            cls.report = json.load(f)
        cls.page = "file://" + os.path.join(cls.directory, "report.html")
        dom = subprocess.run(headless("--dump-dom", cls.page), capture_output=True, text=True, timeout=120)
        assert dom.returncode == 0 and "<svg" in dom.stdout, dom.stderr[-2000:]
        parser = Elements()
        parser.feed(dom.stdout)
        cls.elements = parser.elements

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def svg_elements(self, tag):
        """The elements named tag after the first <svg> (the timeline; the report has no other)."""
        inside = False
        found = []
        for name, attributes, text in self.elements:
            if name == "svg":
                inside = True
            if inside and name == tag:
                found.append((attributes, text))
        return found

    def test_the_timeline_has_a_mark_for_every_change_and_every_catch_up(self):
        changes = [e for e in self.report["events"] if e["kind"] != "instance-launched"]
        seen = [e for e in changes if e["seenAt"] is not None]
        self.assertGreater(len(changes), 3)
        # One more of each in the legend.
        self.assertEqual(len(seen) + 1, len(self.svg_elements("circle")))
        self.assertEqual(len(changes) + 1, len(self.svg_elements("path")))
        titles = [text for _, text in self.svg_elements("title")]
        for change in changes:
            self.assertTrue(any(t.startswith(f"{change['kind']} {change['detail']}") for t in titles), change)

    def test_every_expectation_is_listed_with_its_verdict(self):
        rows = [text for name, attributes, text in self.elements if name == "td" and text in ("✔ pass", "✘ fail")]
        self.assertEqual(["✔ pass"] * len(self.report["expectations"]), rows)

    def test_nothing_is_loaded_from_outside_the_file(self):
        for name, attributes, _ in self.elements:
            for key in ("src", "href"):
                value = attributes.get(key) or ""
                self.assertFalse(value.startswith(("http:", "https:", "//")), f"<{name} {key}={value}>")

    def test_the_page_renders_to_a_screenshot(self):
        shot = os.path.join(self.directory, "report.png")
        subprocess.run(headless(f"--screenshot={shot}", "--window-size=1250,900", self.page),
                       capture_output=True, timeout=120, check=True)
        with open(shot, "rb") as f:
            header = f.read(24)
        self.assertEqual(b"\x89PNG\r\n\x1a\n", header[:8])
        self.assertEqual((1250, 900), struct.unpack(">II", header[16:24]))
        self.assertGreater(os.path.getsize(shot), 20_000)


if __name__ == "__main__":
    unittest.main()
