"""DescribeNetworkInterfaces: ids, every commonly used filter, MaxResults/NextToken pagination."""
from base import HarnessTestCase


class DescribeFiltersTest(HarnessTestCase):
    """Each filter selects exactly the matching ENIs (values within a filter OR, filters AND)."""

    def setUp(self):
        super().setUp()
        self.v = self.vpc("10.0.0.0/16")
        self.s1 = self.subnet(self.v, "10.0.1.0/24")
        self.s2 = self.subnet(self.v, "10.0.2.0/24", "us-east-1b")
        self.v2 = self.vpc("10.1.0.0/16")
        self.s3 = self.subnet(self.v2, "10.1.1.0/24")
        self.g = self.ec2.create_security_group(GroupName="g", Description="d", VpcId=self.v)["GroupId"]
        self.a = self.eni(self.s1, PrivateIpAddress="10.0.1.10", Groups=[self.g],
                          TagSpecifications=[{"ResourceType": "network-interface",
                                              "Tags": [{"Key": "role", "Value": "web"}]}])
        self.b = self.eni(self.s2, PrivateIpAddress="10.0.2.10", SecondaryPrivateIpAddressCount=1,
                          TagSpecifications=[{"ResourceType": "network-interface",
                                              "Tags": [{"Key": "role", "Value": "db"}, {"Key": "env", "Value": "x"}]}])
        self.c = self.eni(self.s3, PrivateIpAddress="10.1.1.10")
        self.ids = {n["NetworkInterfaceId"] for n in (self.a, self.b, self.c)}

    def find(self, name, *values):
        resp = self.ec2.describe_network_interfaces(Filters=[{"Name": name, "Values": list(values)}])
        return {n["NetworkInterfaceId"] for n in resp["NetworkInterfaces"]}

    def id(self, n):
        return n["NetworkInterfaceId"]

    def test_by_ids(self):
        got = self.ec2.describe_network_interfaces(NetworkInterfaceIds=[self.id(self.a), self.id(self.c)])
        self.assertEqual({n["NetworkInterfaceId"] for n in got["NetworkInterfaces"]}, {self.id(self.a), self.id(self.c)})
        self.assertEqual({n["NetworkInterfaceId"] for n in self.ec2.describe_network_interfaces()["NetworkInterfaces"]}, self.ids)

    def test_subnet_vpc(self):
        self.assertEqual(self.find("subnet-id", self.s1), {self.id(self.a)})
        self.assertEqual(self.find("subnet-id", self.s1, self.s3), {self.id(self.a), self.id(self.c)})
        self.assertEqual(self.find("vpc-id", self.v), {self.id(self.a), self.id(self.b)})
        self.assertEqual(self.find("vpc-id", self.v2), {self.id(self.c)})

    def test_addresses(self):
        secondary = next(p["PrivateIpAddress"] for p in self.b["PrivateIpAddresses"] if not p["Primary"])
        self.assertEqual(self.find("private-ip-address", "10.0.2.10"), {self.id(self.b)})
        self.assertEqual(self.find("addresses.private-ip-address", secondary), {self.id(self.b)})
        self.assertEqual(self.find("addresses.private-ip-address", "10.0.1.10", "10.1.1.10"),
                         {self.id(self.a), self.id(self.c)})
        self.assertEqual(self.find("private-ip-address", "10.0.9.9"), set())

    def test_mac_status_group(self):
        self.assertEqual(self.find("mac-address", self.a["MacAddress"]), {self.id(self.a)})
        self.assertEqual(self.find("status", "available"), self.ids)
        self.assertEqual(self.find("status", "in-use"), set())
        self.assertEqual(self.find("group-id", self.g), {self.id(self.a)})

    def test_tags(self):
        self.assertEqual(self.find("tag:role", "web"), {self.id(self.a)})
        self.assertEqual(self.find("tag:role", "web", "db"), {self.id(self.a), self.id(self.b)})
        self.assertEqual(self.find("tag-key", "env"), {self.id(self.b)})
        self.assertEqual(self.find("tag-key", "role"), {self.id(self.a), self.id(self.b)})
        self.assertEqual(self.find("tag:role", "nope"), set())

    def test_filters_and_together(self):
        resp = self.ec2.describe_network_interfaces(Filters=[
            {"Name": "vpc-id", "Values": [self.v]}, {"Name": "tag:role", "Values": ["db"]}])
        self.assertEqual([n["NetworkInterfaceId"] for n in resp["NetworkInterfaces"]], [self.id(self.b)])

    def test_attachment_filters(self):
        inst = self.instance(self.s1)
        iid = inst["InstanceId"]
        self.wait_state(iid, "running")
        att = self.ec2.attach_network_interface(NetworkInterfaceId=self.id(self.a), InstanceId=iid, DeviceIndex=1)
        primary = inst["NetworkInterfaces"][0]["NetworkInterfaceId"]
        self.assertEqual(self.find("attachment.instance-id", iid), {primary, self.id(self.a)})
        self.assertEqual(self.find("attachment.attachment-id", att["AttachmentId"]), {self.id(self.a)})
        self.assertEqual(self.find("status", "in-use"), {primary, self.id(self.a)})

    def test_unknown_filter_name(self):
        # EC2: "InvalidParameterValue: The filter 'no-such-filter' is invalid"
        with self.assertEc2Error("InvalidParameterValue"):
            self.ec2.describe_network_interfaces(Filters=[{"Name": "no-such-filter", "Values": ["x"]}])

    def test_ids_and_filter_intersect(self):
        resp = self.ec2.describe_network_interfaces(NetworkInterfaceIds=[self.id(self.a), self.id(self.b)],
                                                    Filters=[{"Name": "subnet-id", "Values": [self.s2]}])
        self.assertEqual([n["NetworkInterfaceId"] for n in resp["NetworkInterfaces"]], [self.id(self.b)])


class DescribePaginationTest(HarnessTestCase):
    """MaxResults 5..1000 with NextToken: every ENI exactly once; not combinable with explicit ids."""

    def setUp(self):
        super().setUp()
        v, self.s = self.net("10.0.0.0/20")
        self.all = {self.eni(self.s)["NetworkInterfaceId"] for _ in range(23)}

    def test_manual_pages(self):
        seen, pages, token = [], 0, None
        while True:
            kw = {"MaxResults": 5}
            if token:
                kw["NextToken"] = token
            resp = self.ec2.describe_network_interfaces(**kw)
            page = [n["NetworkInterfaceId"] for n in resp["NetworkInterfaces"]]
            self.assertLessEqual(len(page), 5)
            seen += page
            pages += 1
            token = resp.get("NextToken")
            if not token:
                break
            self.assertLess(pages, 50, "pagination does not terminate")
        self.assertEqual(len(seen), len(set(seen)), "duplicates across pages")
        self.assertEqual(set(seen), self.all)
        self.assertGreaterEqual(pages, 5)

    def test_paginator(self):
        pages = list(self.ec2.get_paginator("describe_network_interfaces").paginate(
            PaginationConfig={"PageSize": 7}))
        ids = [n["NetworkInterfaceId"] for p in pages for n in p["NetworkInterfaces"]]
        self.assertEqual(len(ids), 23)
        self.assertEqual(set(ids), self.all)
        self.assertGreaterEqual(len(pages), 4)

    def test_paginated_with_filter(self):
        pages = self.ec2.get_paginator("describe_network_interfaces").paginate(
            Filters=[{"Name": "subnet-id", "Values": [self.s]}], PaginationConfig={"PageSize": 5})
        ids = [n["NetworkInterfaceId"] for p in pages for n in p["NetworkInterfaces"]]
        self.assertEqual(sorted(ids), sorted(self.all))

    def test_large_page_returns_all_without_token(self):
        resp = self.ec2.describe_network_interfaces(MaxResults=1000)
        self.assertEqual({n["NetworkInterfaceId"] for n in resp["NetworkInterfaces"]}, self.all)
        self.assertFalse(resp.get("NextToken"))

    def test_max_results_bounds(self):
        # EC2: "Value ( 4 ) for parameter maxResults is invalid. Parameter must be between 5 and 1000."
        # (botocore itself refuses 4 client-side; an unvalidated client sends it to the server)
        import harness_process
        raw = harness_process.client(validate=False)
        for bad in (4, 1001):
            with self.subTest(max=bad), self.assertEc2Error("InvalidParameterValue"):
                raw.describe_network_interfaces(MaxResults=bad)

    def test_max_results_with_ids(self):
        some = sorted(self.all)[:2]
        with self.assertEc2Error("InvalidParameterCombination"):
            self.ec2.describe_network_interfaces(NetworkInterfaceIds=some, MaxResults=5)

    def test_bad_next_token(self):
        # Real EC2 rejects a token it did not issue; the code seen in the wild is InvalidNextToken
        # or InvalidPaginationToken (EC2 API "Common client error codes"); InvalidParameterValue tolerated.
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as cm:
            self.ec2.describe_network_interfaces(MaxResults=5, NextToken="not-a-token")
        self.assertIn(cm.exception.response["Error"]["Code"],
                      ("InvalidPaginationToken", "InvalidNextToken", "InvalidParameterValue"))
