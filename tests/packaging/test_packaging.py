"""Static checks of what we ship for users who have Docker; test_image.py builds and runs the image itself.

The Dockerfile: known instructions, JSON-form ENTRYPOINT, COPY sources that exist, stages that resolve, base images
that default to Microsoft's, and a restore layer that names every project the host needs. .dockerignore: build
outputs and the rest stay out of the context. docker-compose.yml: valid YAML with services whose build context, ports
and health check make sense.
"""
import json
import os
import re
import unittest
import xml.etree.ElementTree as ET

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
INSTRUCTIONS = {"FROM", "WORKDIR", "COPY", "RUN", "EXPOSE", "ENV", "ENTRYPOINT", "CMD", "ARG", "LABEL", "USER", "HEALTHCHECK"}


def dockerfile_lines():
    with open(os.path.join(ROOT, "Dockerfile")) as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


def host_projects():
    """Harness.Host's project file and those of every project it references, directly or not, relative to ROOT."""
    found, todo = set(), ["src/Harness.Host/Harness.Host.csproj"]
    while todo:
        project = todo.pop()
        if project in found:
            continue
        found.add(project)
        for reference in ET.parse(os.path.join(ROOT, project)).iter("ProjectReference"):
            path = os.path.join(os.path.dirname(project), reference.get("Include").replace("\\", "/"))
            todo.append(os.path.relpath(os.path.normpath(os.path.join(ROOT, path)), ROOT))
    return found


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
        self.assertEqual(set(exposed), {"4580", "4581", "4582"})
        self.assertIn("4582", command)
        self.assertTrue(os.path.exists(os.path.join(ROOT, "src/Harness.Host/Harness.Host.csproj")))


    def test_base_images_are_build_args_that_default_to_microsofts(self):
        lines = dockerfile_lines()
        defaults = dict(l.split()[1].split("=", 1) for l in lines if l.startswith("ARG") and "=" in l)
        self.assertEqual(defaults.get("SDK_IMAGE"), "mcr.microsoft.com/dotnet/sdk:10.0")
        self.assertEqual(defaults.get("RUNTIME_IMAGE"), "mcr.microsoft.com/dotnet/aspnet:10.0")
        images = [l.split()[1] for l in lines if l.startswith("FROM")]
        self.assertEqual(images, ["${SDK_IMAGE}", "${RUNTIME_IMAGE}"])

    def test_restore_layer_copies_every_project_the_host_needs_before_the_sources(self):
        lines = dockerfile_lines()
        restore = next(i for i, l in enumerate(lines) if re.match(r"RUN dotnet restore\b", l))
        publish = next(i for i, l in enumerate(lines) if re.match(r"RUN dotnet publish\b", l))
        copied_first = {l.split()[1] for l in lines[:restore] if l.startswith("COPY")}
        copied_then = {l.split()[1].rstrip("/") for l in lines[restore:publish] if l.startswith("COPY")}
        self.assertIn("--no-restore", lines[publish])
        for project in host_projects():
            self.assertIn(project, copied_first, "a project the host references is missing from the restore layer")
            folder = os.path.dirname(project)
            self.assertTrue(any(folder == c or folder.startswith(c + "/") for c in copied_then),
                            f"{folder} is not copied before the publish")

    def test_dockerignore_keeps_build_outputs_and_the_rest_out_of_the_context(self):
        with open(os.path.join(ROOT, ".dockerignore")) as f:
            patterns = {line.strip().rstrip("/") for line in f if line.strip() and not line.startswith("#")}
        for pattern in ("**/bin", "**/obj", "**/node_modules", ".git", "bench-results", "artifacts"):
            self.assertIn(pattern, patterns)


class ComposeTest(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(ROOT, "docker-compose.yml")) as f:
            self.compose = yaml.safe_load(f)

    def test_harness_service_builds_here_and_publishes_on_loopback(self):
        harness = self.compose["services"]["harness"]
        self.assertTrue(os.path.exists(os.path.join(ROOT, harness["build"], "Dockerfile")))
        for port in harness["ports"]:
            parts = port.split(":")
            self.assertEqual(parts[0], "127.0.0.1")
            self.assertIn(parts[-1], {"4580", "4581"})
        self.assertEqual(harness["healthcheck"]["test"][:3], ["CMD", "dotnet", "harness.dll"])

    def test_the_agent_is_built_here_and_waits_for_a_healthy_harness(self):
        agent = self.compose["services"]["failover-agent"]
        self.assertTrue(os.path.exists(os.path.join(ROOT, agent["build"]["context"], agent["build"]["dockerfile"])))
        self.assertEqual(agent["depends_on"]["harness"]["condition"], "service_healthy")
        self.assertEqual(agent["environment"]["HARNESS_TARGET"], "http://harness:4580")
        self.assertEqual(self.compose["services"]["harness"]["environment"]["HARNESS_PUBLIC_URL"], "http://harness:4580")

if __name__ == "__main__":
    unittest.main()
