"""`serve --verify-signatures`: botocore/boto3 signing with the right and wrong secrets, as EC2 judges them.

A dedicated harness process started with two keys on the command line and one from a --credentials-file. Right
secret -> served; wrong secret -> 403 SignatureDoesNotMatch; unknown key -> 401 AuthFailure; a clock more than 15
minutes off -> 400 RequestExpired; a body changed after signing -> SignatureDoesNotMatch; unsigned -> 401 AuthFailure.
Also botocore's own signers (SigV4Auth, SigV4QueryAuth) on raw Query requests, and the tapped client path.
"""
import datetime
import json
import os
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request
from unittest import mock

import boto3
import botocore.auth
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

import harness_process

KEY, SECRET = "AKIDPYTHON", "py/Secret+Key=0123"
OTHER_KEY, OTHER_SECRET = "AKIDOTHER", "other-secret"
FILE_KEY, FILE_SECRET = "AKIDFROMFILE", "file-secret"
SIGNATURE_DOES_NOT_MATCH = ("The request signature we calculated does not match the signature you provided. "
                            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")


def ec2(url, key=KEY, secret=SECRET):
    return boto3.client("ec2", region_name="us-east-1", endpoint_url=url, aws_access_key_id=key,
                        aws_secret_access_key=secret, config=Config(retries={"total_max_attempts": 1}))


def send(request):
    """Sends a prepared botocore request with urllib; (status, body text)."""
    prepared = request.prepare()
    raw = urllib.request.Request(prepared.url, method=prepared.method, data=prepared.body or None, headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(raw, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class SignatureVerificationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        fd, cls.keys_file = tempfile.mkstemp(prefix="harness-keys-", suffix=".txt")
        with os.fdopen(fd, "w") as f:
            f.write(f"# keys for the signature tests\n\n{FILE_KEY}:{FILE_SECRET}\n")
        cls.server = harness_process.start(extra_args=[
            "--verify-signatures", "--credentials", f"{KEY}:{SECRET},{OTHER_KEY}:{OTHER_SECRET}",
            "--credentials-file", cls.keys_file])
        cls.url = cls.server.ec2_url

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        os.unlink(cls.keys_file)

    def assert_error(self, call, code, status):
        with self.assertRaises(ClientError) as caught:
            call()
        self.assertEqual(caught.exception.response["Error"]["Code"], code)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        return caught.exception.response["Error"]["Message"]

    def cidrs(self):
        return {v["CidrBlock"] for v in ec2(self.url).describe_vpcs()["Vpcs"]}

    def test_every_configured_key_with_its_secret_is_served(self):
        for key, secret in ((KEY, SECRET), (OTHER_KEY, OTHER_SECRET), (FILE_KEY, FILE_SECRET)):
            with self.subTest(key=key):
                response = ec2(self.url, key, secret).describe_vpcs()
                self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_a_wrong_secret_is_signature_does_not_match_403_and_changes_nothing(self):
        message = self.assert_error(lambda: ec2(self.url, KEY, "wrong").create_vpc(CidrBlock="10.71.0.0/16"), "SignatureDoesNotMatch", 403)
        self.assertEqual(message, SIGNATURE_DOES_NOT_MATCH)
        self.assertNotIn("10.71.0.0/16", self.cidrs())

    def test_another_keys_secret_does_not_match_either(self):
        self.assert_error(lambda: ec2(self.url, KEY, OTHER_SECRET).describe_vpcs(), "SignatureDoesNotMatch", 403)

    def test_an_unknown_key_is_auth_failure_401(self):
        message = self.assert_error(lambda: ec2(self.url, "AKIDNOBODY", SECRET).describe_vpcs(), "AuthFailure", 401)
        self.assertEqual(message, "AWS was not able to validate the provided access credentials")

    def test_a_client_clock_more_than_15_minutes_off_is_request_expired(self):
        for minutes in (16, -16):
            with self.subTest(minutes=minutes):
                skewed = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(minutes=minutes)
                with mock.patch.object(botocore.auth, "get_current_datetime", return_value=skewed):
                    message = self.assert_error(lambda: ec2(self.url).describe_vpcs(), "RequestExpired", 400)
                self.assertEqual(message, "Request has expired.")

    def test_a_client_clock_10_minutes_off_is_served(self):
        skewed = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=10)
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=skewed):
            self.assertEqual(ec2(self.url).describe_vpcs()["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_a_body_changed_after_signing_is_signature_does_not_match(self):
        client = ec2(self.url)

        def tamper(request, **_):
            body = request.body.decode() if isinstance(request.body, bytes) else request.body
            self.assertIn("10.72.0.0%2F16", body)
            request.body = body.replace("10.72.0.0%2F16", "10.73.0.0%2F16").encode()

        client.meta.events.register("before-send.ec2.CreateVpc", tamper)
        self.assert_error(lambda: client.create_vpc(CidrBlock="10.72.0.0/16"), "SignatureDoesNotMatch", 403)
        self.assertFalse({"10.72.0.0/16", "10.73.0.0/16"} & self.cidrs())

    def test_an_unsigned_request_is_auth_failure_401(self):
        status, body = send(AWSRequest(method="POST", url=self.url + "/", data=b"Action=DescribeVpcs&Version=2016-11-15",
                                       headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}))
        self.assertEqual(status, 401)
        self.assertIn("<Code>AuthFailure</Code>", body)

    def test_botocore_sigv4auth_signs_get_query_requests_with_awkward_values(self):
        client = ec2(self.url)
        vpc = client.create_vpc(CidrBlock="10.74.0.0/16")["Vpc"]["VpcId"]
        value = "a b/c~*+é&="
        client.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": value}])
        request = AWSRequest(method="GET", url=self.url + "/", params={
            "Action": "DescribeVpcs", "Version": "2016-11-15", "Filter.1.Name": "tag:Name", "Filter.1.Value.1": value})
        SigV4Auth(Credentials(KEY, SECRET), "ec2", "us-east-1").add_auth(request)

        status, body = send(request)

        self.assertEqual(status, 200, body)
        self.assertIn(vpc, body)
        request.params["Filter.1.Value.1"] = value + "!"  # after signing
        self.assertEqual(send(request)[0], 403)

    def test_presigned_urls_are_served_until_they_expire(self):
        client = ec2(self.url)
        for method in ("GET", "POST"):
            with self.subTest(method=method):
                url = client.generate_presigned_url("describe_vpcs", Params={}, ExpiresIn=60, HttpMethod=method)
                status, body = send(AWSRequest(method=method, url=url))
                self.assertEqual(status, 200, body)
        an_hour_ago = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(hours=1)
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=an_hour_ago):
            stale = client.generate_presigned_url("describe_vpcs", Params={}, ExpiresIn=1800, HttpMethod="GET")
        status, body = send(AWSRequest(method="GET", url=stale))
        self.assertEqual(status, 400)
        self.assertIn("<Code>RequestExpired</Code>", body)

    def test_sigv4queryauth_presigned_with_a_changed_parameter_does_not_match(self):
        request = AWSRequest(method="GET", url=self.url + "/", params={"Action": "DescribeVpcs", "Version": "2016-11-15"})
        SigV4QueryAuth(Credentials(KEY, SECRET), "ec2", "us-east-1", expires=60).add_auth(request)
        request.url = request.url.replace("Action=DescribeVpcs", "Action=DescribeSubnets")
        status, body = send(request)
        self.assertEqual(status, 403)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", body)

    def test_the_tapped_client_path_is_verified_as_botocore_signed_it(self):
        client = ec2(self.url)
        vpc = client.create_vpc(CidrBlock="10.75.0.0/16")["Vpc"]["VpcId"]
        subnet = client.create_subnet(VpcId=vpc, CidrBlock="10.75.1.0/24")["Subnet"]["SubnetId"]
        instance = client.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnet,
                                        InstanceType="t3.micro")["Instances"][0]["InstanceId"]
        registration = urllib.request.Request(self.url + "/_harness/clients", method="POST",
                                              data=json.dumps({"name": "py", "instanceId": instance}).encode(),
                                              headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(registration, timeout=10) as response:
            tapped = json.load(response)["ec2Endpoint"]

        self.assertIn(vpc, [v["VpcId"] for v in ec2(tapped).describe_vpcs()["Vpcs"]])
        self.assert_error(lambda: ec2(tapped, KEY, "wrong").describe_vpcs(), "SignatureDoesNotMatch", 403)
        with urllib.request.urlopen(tapped.rsplit("/ec2", 1)[0], timeout=10) as response:
            records = json.load(response)["records"]
        self.assertEqual([(r["target"], r["status"], r["error"]) for r in records],
                         [("DescribeVpcs", 200, None), ("", 403, "SignatureDoesNotMatch")])


if __name__ == "__main__":
    unittest.main()
