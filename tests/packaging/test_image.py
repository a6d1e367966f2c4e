"""The image the Dockerfile builds, run as a user runs it: harness:local, from scripts/build-image.sh.

A container publishes the EC2 port and the metadata port on 127.0.0.1. Through the first, boto3 creates a VPC, a subnet
and an instance, and the control API answers only with the container's token; through the second, the instance's
metadata is read with an IMDSv2 token, the instance named by X-Harness-Instance-Id, and by botocore's metadata client with
the instance's metadataUrl (its id as the path) as its base URL alone. The container is removed whatever
happens. No Docker engine or no image is a failure, not a skip: scripts/test-all.sh starts the engine and builds the
image first (scripts/docker-engine.sh, scripts/build-image.sh).
"""
import ipaddress
import json
import os
import secrets
import shutil
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.utils
from botocore.config import Config

from support import free_port

IMAGE = os.environ.get("HARNESS_IMAGE", "harness:local")
AMI = "ami-0123456789abcdef0"
INSTANCE_HEADER = "X-Harness-Instance-Id"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
START_TIMEOUT_S = 60
# A short fixed delay: the default model (a lognormal with p99 20 s) would make the wait for metadata long and uneven.
PROPAGATION = "fixed(500ms)"
METADATA_TIMEOUT_S = 30
# Straight to the published ports: never through a proxy the environment may name.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def docker(*args, timeout=120):
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)


def http(method, url, headers=None, timeout=5):
    """(status, body): an HTTP error status is an answer too."""
    data = b"" if method in ("PUT", "POST") else None
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with OPENER.open(request, timeout=timeout) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class ImageTest(unittest.TestCase):
    def setUp(self):
        self.assertIsNotNone(shutil.which("docker"), "no docker command: scripts/test-all.sh installs docker.io")
        info = docker("info", "--format", "{{.ServerVersion}}")
        self.assertEqual(info.returncode, 0, f"no Docker engine answers (bash scripts/docker-engine.sh ensure): {info.stderr}")
        image = docker("image", "inspect", IMAGE)
        self.assertEqual(image.returncode, 0, f"no image {IMAGE}: bash scripts/build-image.sh builds it")

        self.token = secrets.token_hex(16)
        self.ec2_port, self.imds_port = free_port(), free_port()
        while self.imds_port == self.ec2_port:
            self.imds_port = free_port()
        name = f"harness-test-{os.getpid()}-{secrets.token_hex(3)}"
        run = docker("run", "-d", "--name", name, "-e", f"HARNESS_CONTROL_TOKEN={self.token}",
                     "-e", f"HARNESS_PROPAGATION={PROPAGATION}",
                     "-e", f"HARNESS_PUBLIC_IMDS_URL=http://127.0.0.1:{self.imds_port}/",
                     "-p", f"127.0.0.1:{self.ec2_port}:4580", "-p", f"127.0.0.1:{self.imds_port}:4581", IMAGE)
        # Registered before the assertion: a container that was created but did not start is removed too.
        self.addCleanup(docker, "rm", "-f", name)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.container = name
        self.ec2_url = f"http://127.0.0.1:{self.ec2_port}"
        self.imds_url = f"http://127.0.0.1:{self.imds_port}"
        self.wait_healthy()

    def logs(self):
        result = docker("logs", "--tail", "40", self.container)
        return (result.stdout + result.stderr)[-4000:]

    def wait_healthy(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        last = None
        while time.monotonic() < deadline:
            try:
                status, _ = http("GET", f"{self.ec2_url}/_harness/health", timeout=2)
                if status == 200:
                    return
                last = f"HTTP {status}"
            except OSError as error:  # docker-proxy accepts, then closes, until the harness listens
                last = repr(error)
            running = docker("inspect", "-f", "{{.State.Running}}", self.container).stdout.strip()
            self.assertEqual(running, "true", f"the container stopped; its log:\n{self.logs()}")
            time.sleep(0.2)
        self.fail(f"no health within {START_TIMEOUT_S} s (last: {last}); the container's log:\n{self.logs()}")

    def metadata(self, instance_id, path):
        """GET latest/meta-data/PATH for one instance, with a fresh IMDSv2 token: (status, body)."""
        named = {INSTANCE_HEADER: instance_id}
        status, token = http("PUT", f"{self.imds_url}/latest/api/token",
                             {**named, "X-aws-ec2-metadata-token-ttl-seconds": "300"})
        if status != 200:
            return status, token
        return http("GET", f"{self.imds_url}/latest/meta-data/{path}", {**named, TOKEN_HEADER: token})

    def test_boto3_runs_an_instance_whose_metadata_the_published_port_serves(self):
        ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=self.ec2_url,
                           aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="harness-secret",
                           config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30))
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
        instance = ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                     SubnetId=subnet["SubnetId"])["Instances"][0]
        instance_id, private_ip = instance["InstanceId"], instance["PrivateIpAddress"]
        self.assertIn(ipaddress.ip_address(private_ip), ipaddress.ip_network(subnet["CidrBlock"]))

        # Listening beyond loopback, the control API takes the container's token and nothing else.
        control = f"{self.ec2_url}/_harness/instances/{instance_id}"
        self.assertEqual(http("GET", control)[0], 401)
        self.assertEqual(http("GET", control, {"Authorization": "Bearer wrong"})[0], 401)
        self.assertEqual(http("GET", control, {"Authorization": f"Bearer {self.token}"})[0], 200)

        # The metadata shows the instance once its changes have propagated (HARNESS_PROPAGATION, given to the container).
        deadline = time.monotonic() + METADATA_TIMEOUT_S
        while True:
            status, body = self.metadata(instance_id, "instance-id")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual((status, body), (200, instance_id), f"the container's log:\n{self.logs()}")
        self.assertEqual(self.metadata(instance_id, "local-ipv4"), (200, private_ip))
        # Without the header or the instance's id as the path, the published port cannot know which instance is asked about.
        self.assertEqual(http("GET", f"{self.imds_url}/latest/meta-data/instance-id")[0], 400)

        # With a base URL alone: the instance's metadataUrl (HARNESS_PUBLIC_IMDS_URL names the published port), which
        # botocore's own metadata client keeps as its base, token flow included.
        status, document = http("GET", control, {"Authorization": f"Bearer {self.token}"})
        metadata_url = json.loads(document)["metadataUrl"]
        self.assertEqual(metadata_url, f"{self.imds_url}/{instance_id}/")
        fetcher = botocore.utils.IMDSFetcher(config={"ec2_metadata_service_endpoint": metadata_url})
        token = fetcher._fetch_metadata_token()
        self.assertEqual(fetcher._get_request("latest/meta-data/local-ipv4", None, token=token).text, private_ip)


if __name__ == "__main__":
    unittest.main()
