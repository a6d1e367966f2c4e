"""Shared fixture for the conformance tests: a fresh (reset) harness and small builders."""
import contextlib
import ipaddress
import re
import time
import unittest

from botocore.exceptions import ClientError

import harness_process

AMI = "ami-0123456789abcdef0"
AZ = "us-east-1a"
ID_RE = {p: re.compile(rf"^{p}-[0-9a-f]{{17}}$") for p in
         ("vpc", "subnet", "eni", "i", "eipalloc", "eipassoc", "eni-attach", "sg", "r")}
DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


class HarnessTestCase(unittest.TestCase):
    """Every test starts from an empty harness (all regions reset)."""

    def setUp(self):
        harness_process.reset()
        self.ec2 = harness_process.client()

    # ---------- assertions ----------
    @contextlib.contextmanager
    def assertEc2Error(self, code, status=None):
        """`with self.assertEc2Error('X'):` - the block must raise ClientError with code X."""
        with self.assertRaises(ClientError) as cm:
            yield cm
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], code, f"message: {err['Error'].get('Message')}")
        if status is not None:
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)

    def assertId(self, prefix, value):
        self.assertRegex(value or "", ID_RE[prefix])

    def eventually(self, fn, timeout=10.0, interval=0.1, msg=""):
        """Poll fn() until it returns truthy (EC2 state changes are asynchronous)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = fn()
            if last:
                return last
            time.sleep(interval)
        self.fail(f"condition not met within {timeout}s: {msg} (last={last!r})")

    # ---------- builders ----------
    def vpc(self, cidr="10.0.0.0/16", ec2=None):
        return (ec2 or self.ec2).create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]

    def subnet(self, vpc_id, cidr="10.0.1.0/24", az=AZ, ec2=None):
        return (ec2 or self.ec2).create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]

    def net(self, subnet_cidr="10.0.1.0/24"):
        """(vpc_id, subnet_id) with a /16 VPC and one subnet."""
        v = self.vpc()
        return v, self.subnet(v, subnet_cidr)

    def eni(self, subnet_id, **kw):
        return self.ec2.create_network_interface(SubnetId=subnet_id, **kw)["NetworkInterface"]

    def describe_eni(self, eni_id):
        return self.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]

    def eni_ips(self, eni_id):
        return {p["PrivateIpAddress"] for p in self.describe_eni(eni_id)["PrivateIpAddresses"]}

    def instance(self, subnet_id, itype="t3.micro", **kw):
        r = self.ec2.run_instances(ImageId=AMI, InstanceType=itype, MinCount=1, MaxCount=1,
                                   SubnetId=subnet_id, **kw)
        return r["Instances"][0]

    def describe_instance(self, iid):
        return self.ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]

    def wait_state(self, iid, state, timeout=15):
        self.eventually(lambda: self.describe_instance(iid)["State"]["Name"] == state, timeout,
                        msg=f"{iid} -> {state}")

    def primary_eni(self, iid):
        inst = self.describe_instance(iid)
        return next(n for n in inst["NetworkInterfaces"] if n["Attachment"]["DeviceIndex"] == 0)

    def subnet_free(self, subnet_id):
        return self.ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["AvailableIpAddressCount"]


def tags_of(obj):
    return {t["Key"]: t["Value"] for t in obj.get("Tags", obj.get("TagSet", []))}
