"""Syntax checks of what we ship for users who have Docker (no Docker engine runs here).

The Dockerfile: known instructions, JSON-form ENTRYPOINT, COPY sources that exist, stages that resolve.
docker-compose.yml: valid YAML with services whose build context, ports and health check make sense.
"""
import json
import os
import unittest

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
INSTRUCTIONS = {"FROM", "WORKDIR", "COPY", "RUN", "EXPOSE", "ENV", "ENTRYPOINT", "CMD", "ARG", "LABEL", "USER", "HEALTHCHECK"}


def dockerfile_lines():
    with open(os.path.join(ROOT, "Dockerfile")) as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


class DockerfileTest(unittest.TestCase):
    def test_every_line_is_a_known_instruction(self):
        for line in dockerfile_lines():
            self.assertIn(line.split()[0], INSTRUCTIONS, line)

    def test_copy_sources_exist_and_stages_resolve(self):
        stages = set()
        for line in dockerfile_lines():
            words = line.split()
            if words[0] == "FROM" and "AS" in words:
                stages.add(words[words.index("AS") + 1])
            if words[0] == "COPY":
                args = [w for w in words[1:] if not w.startswith("--")]
                origin = next((w.split("=", 1)[1] for w in words[1:] if w.startswith("--from=")), None)
                if origin:
                    self.assertIn(origin, stages, line)
                    continue
                for source in args[:-1]:
                    self.assertTrue(os.path.exists(os.path.join(ROOT, source)), f"{source} in: {line}")

    def test_entrypoint_serves_the_documented_ports(self):
        entry = [l for l in dockerfile_lines() if l.startswith("ENTRYPOINT")][-1]
        command = json.loads(entry[len("ENTRYPOINT"):].strip())
        self.assertEqual(command[:3], ["dotnet", "harness.dll", "serve"])
        self.assertIn("4580", command)
        exposed = [l for l in dockerfile_lines() if l.startswith("EXPOSE")][0].split()[1:]
        self.assertEqual(set(exposed), {"4580", "4581"})
        self.assertTrue(os.path.exists(os.path.join(ROOT, "src/Harness.Host/Harness.Host.csproj")))


class ComposeTest(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(ROOT, "docker-compose.yml")) as f:
            self.compose = yaml.safe_load(f)

    def test_harness_service_builds_here_and_publishes_on_loopback(self):
        harness = self.compose["services"]["harness"]
        self.assertTrue(os.path.exists(os.path.join(ROOT, harness["build"], "Dockerfile")))
        for port in harness["ports"]:
            host, published, target = port.split(":")
            self.assertEqual(host, "127.0.0.1")
            self.assertIn(target, {"4580", "4581"})
        self.assertEqual(harness["healthcheck"]["test"][:3], ["CMD", "dotnet", "harness.dll"])

    def test_client_points_at_the_harness_service(self):
        client = self.compose["services"]["client"]
        self.assertEqual(client["environment"]["AWS_ENDPOINT_URL_EC2"], "http://harness:4580")
        self.assertIn("harness", client["depends_on"])


if __name__ == "__main__":
    unittest.main()
