"""Wire protocol: Query envelopes, errors, DryRun, GET, region isolation."""
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

import harness_process
from base import AMI, HarnessTestCase

NS = "{http://ec2.amazonaws.com/doc/2016-11-15/}"


def raw(params, method="POST", region="us-east-1"):
    """Send a SigV4-signed Query request without boto3's serializer; returns (status, body bytes)."""
    params = dict(params)
    params.setdefault("Version", "2016-11-15")
    url = harness_process.endpoint() + "/"
    body = urllib.parse.urlencode(params)
    if method == "GET":
        req = AWSRequest(method="GET", url=url + "?" + body)
    else:
        req = AWSRequest(method="POST", url=url, data=body.encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials(harness_process.ACCESS_KEY, harness_process.SECRET_KEY), "ec2", region).add_auth(req)
    prepared = req.prepare()
    ureq = urllib.request.Request(prepared.url, data=prepared.body if method == "POST" else None,
                                  headers=dict(prepared.headers), method=method)
    try:
        with urllib.request.urlopen(ureq, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class ErrorEnvelopeTest(HarnessTestCase):
    """Errors: HTTP 400 + <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>."""

    def assertErrorXml(self, status, body, code, http=400):
        self.assertEqual(status, http, body)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, "Response")
        errors = root.find("Errors")
        self.assertIsNotNone(errors, body)
        err = errors.find("Error")
        self.assertEqual(err.findtext("Code"), code, body)
        self.assertTrue((err.findtext("Message") or "").strip(), "Message must be non-empty")
        self.assertTrue((root.findtext("RequestID") or "").strip(), "RequestID (capital ID) required")

    def test_unknown_action_is_InvalidAction(self):
        status, body = raw({"Action": "DescribeUnicorns"})
        self.assertErrorXml(status, body, "InvalidAction")

    def test_unknown_parameter_is_UnknownParameter(self):
        status, body = raw({"Action": "DescribeVpcs", "Bogus": "1"})
        self.assertErrorXml(status, body, "UnknownParameter")

    def test_not_found_envelope(self):
        status, body = raw({"Action": "DescribeNetworkInterfaces", "NetworkInterfaceId.1": "eni-0123456789abcdef0"})
        self.assertErrorXml(status, body, "InvalidNetworkInterfaceID.NotFound")

    def test_boto3_sees_code_message_and_request_id(self):
        with self.assertEc2Error("InvalidVpcID.NotFound", status=400) as cm:
            self.ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])
        resp = cm.exception.response
        self.assertIn("vpc-0123456789abcdef0", resp["Error"]["Message"])
        self.assertTrue(resp["ResponseMetadata"].get("RequestId"))


class SuccessEnvelopeTest(HarnessTestCase):
    """Success: XML declaration, <{Action}Response xmlns=2016-11-15> with <requestId> first; GET works."""

    def test_post_success_envelope(self):
        status, body = raw({"Action": "DescribeVpcs"})
        self.assertEqual(status, 200, body)
        self.assertTrue(body.lstrip().startswith(b"<?xml"), body[:60])
        root = ET.fromstring(body)
        self.assertEqual(root.tag, NS + "DescribeVpcsResponse")
        self.assertEqual(root[0].tag, NS + "requestId")
        self.assertIsNotNone(root.find(NS + "vpcSet"))

    def test_get_with_query_string(self):
        self.vpc("10.9.0.0/16")
        status, body = raw({"Action": "DescribeVpcs"}, method="GET")
        self.assertEqual(status, 200, body)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, NS + "DescribeVpcsResponse")
        cidrs = [e.text for e in root.iter(NS + "cidrBlock")]
        self.assertIn("10.9.0.0/16", cidrs)

    def test_action_without_output_returns_true(self):
        v, s = self.net()
        eni = self.eni(s)["NetworkInterfaceId"]
        status, body = raw({"Action": "DeleteNetworkInterface", "NetworkInterfaceId": eni})
        self.assertEqual(status, 200, body)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, NS + "DeleteNetworkInterfaceResponse")
        self.assertEqual(root.findtext(NS + "return"), "true")

    def test_flattened_lists_on_the_wire(self):
        v, s = self.net()
        status, body = raw({"Action": "CreateNetworkInterface", "SubnetId": s,
                            "PrivateIpAddresses.1.PrivateIpAddress": "10.0.1.10",
                            "PrivateIpAddresses.1.Primary": "true",
                            "PrivateIpAddresses.2.PrivateIpAddress": "10.0.1.11",
                            "PrivateIpAddresses.2.Primary": "false"})
        self.assertEqual(status, 200, body)
        root = ET.fromstring(body)
        ips = [e.text for e in root.iter(NS + "privateIpAddress")]
        self.assertIn("10.0.1.10", ips)
        self.assertIn("10.0.1.11", ips)
        self.assertEqual(root.find(NS + "networkInterface").findtext(NS + "privateIpAddress"), "10.0.1.10")


class DryRunTest(HarnessTestCase):
    """DryRun=true on a permitted mutating call: DryRunOperation, HTTP 412, and no side effect."""

    def assertDryRun(self, fn, **kw):
        with self.assertEc2Error("DryRunOperation", status=412):
            fn(DryRun=True, **kw)

    def test_dry_run_create_vpc_has_no_effect(self):
        self.assertDryRun(self.ec2.create_vpc, CidrBlock="10.0.0.0/16")
        self.assertEqual(self.ec2.describe_vpcs()["Vpcs"], [])

    def test_dry_run_network_interface_actions(self):
        v, s = self.net()
        self.assertDryRun(self.ec2.create_subnet, VpcId=v, CidrBlock="10.0.2.0/24")
        self.assertDryRun(self.ec2.create_security_group, GroupName="g", Description="d", VpcId=v)
        self.assertDryRun(self.ec2.create_network_interface, SubnetId=s)
        self.assertEqual(self.ec2.describe_network_interfaces()["NetworkInterfaces"], [])
        eni = self.eni(s)["NetworkInterfaceId"]
        self.assertDryRun(self.ec2.delete_network_interface, NetworkInterfaceId=eni)
        self.assertDryRun(self.ec2.create_tags, Resources=[eni], Tags=[{"Key": "k", "Value": "v"}])
        self.assertDryRun(self.ec2.modify_network_interface_attribute, NetworkInterfaceId=eni,
                          Description={"Value": "x"})
        self.assertEqual(self.describe_eni(eni)["Status"], "available")
        self.assertEqual(self.describe_eni(eni).get("TagSet", []), [])

    def test_dry_run_instances_and_addresses(self):
        v, s = self.net()
        self.assertDryRun(self.ec2.run_instances, ImageId=AMI, InstanceType="t3.micro",
                          MinCount=1, MaxCount=1, SubnetId=s)
        self.assertEqual(self.ec2.describe_instances()["Reservations"], [])
        self.assertDryRun(self.ec2.allocate_address, Domain="vpc")
        self.assertEqual(self.ec2.describe_addresses()["Addresses"], [])
        i = self.instance(s)["InstanceId"]
        self.wait_state(i, "running")
        eni = self.eni(s)["NetworkInterfaceId"]
        self.assertDryRun(self.ec2.attach_network_interface, NetworkInterfaceId=eni,
                          InstanceId=i, DeviceIndex=1)
        self.assertDryRun(self.ec2.terminate_instances, InstanceIds=[i])
        self.assertDryRun(self.ec2.stop_instances, InstanceIds=[i])
        self.assertNotIn(self.describe_instance(i)["State"]["Name"], ("stopping", "stopped", "shutting-down", "terminated"))


class RegionIsolationTest(HarnessTestCase):
    """State is per region (from the SigV4 credential scope)."""

    def test_vpc_not_visible_from_other_region(self):
        vpc = self.vpc()
        eu = harness_process.client("eu-west-1")
        self.assertEqual([x["VpcId"] for x in eu.describe_vpcs()["Vpcs"]], [])
        with self.assertEc2Error("InvalidVpcID.NotFound"):
            eu.describe_vpcs(VpcIds=[vpc])
        # and the other way round: the same CIDR is independent in eu-west-1
        eu_vpc = self.vpc(ec2=eu)
        self.assertNotEqual(eu_vpc, vpc)
        self.assertEqual({x["VpcId"] for x in self.ec2.describe_vpcs()["Vpcs"]}, {vpc})

    def test_region_from_raw_credential_scope(self):
        vpc = self.vpc()
        status, body = raw({"Action": "DescribeVpcs"}, region="eu-west-1")
        self.assertEqual(status, 200)
        self.assertNotIn(vpc.encode(), body)
        status, body = raw({"Action": "DescribeVpcs"}, region="us-east-1")
        self.assertIn(vpc.encode(), body)

    def test_a_region_that_is_not_a_region_is_AuthFailure(self):
        vpc = self.vpc()
        for region in ("us-east1", "mars-1"):
            with self.assertRaises(ClientError) as caught:
                harness_process.client(region).describe_vpcs()
            error = caught.exception.response
            self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 401)
            self.assertEqual(error["Error"]["Code"], "AuthFailure")
            self.assertEqual(error["Error"]["Message"], "AWS was not able to validate the provided access credentials")
        # unsigned: the default region
        url = harness_process.endpoint() + "/?Action=DescribeVpcs&Version=2016-11-15"
        with urllib.request.urlopen(url, timeout=5) as r:
            self.assertIn(vpc.encode(), r.read())
