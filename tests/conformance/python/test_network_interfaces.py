"""CreateNetworkInterface / DeleteNetworkInterface and ENI id errors."""
import ipaddress
import re

from base import HarnessTestCase, tags_of

MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")


def in_subnet(ip, cidr="10.0.1.0/24"):
    net = ipaddress.ip_network(cidr)
    a = ipaddress.ip_address(ip)
    # not network, +1, +2, +3, broadcast
    return a in net and int(a) - int(net.network_address) > 3 and a != net.broadcast_address


class CreateNetworkInterfaceTest(HarnessTestCase):
    """CreateNetworkInterface: addresses, prefixes, groups, description, tags."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net("10.0.1.0/24")

    def test_defaults(self):
        n = self.eni(self.s)
        self.assertId("eni", n["NetworkInterfaceId"])
        self.assertEqual(n["SubnetId"], self.s)
        self.assertEqual(n["VpcId"], self.v)
        self.assertEqual(n["AvailabilityZone"], "us-east-1a")
        self.assertEqual(n["Status"], "available")
        self.assertRegex(n["MacAddress"], MAC_RE)
        self.assertTrue(in_subnet(n["PrivateIpAddress"]), n["PrivateIpAddress"])
        self.assertEqual([(p["PrivateIpAddress"], p["Primary"]) for p in n["PrivateIpAddresses"]],
                         [(n["PrivateIpAddress"], True)])
        self.assertTrue(n["SourceDestCheck"])
        self.assertEqual(n["InterfaceType"], "interface")
        # no group given -> the VPC's default security group
        default = self.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [self.v]}])["SecurityGroups"][0]
        self.assertEqual([g["GroupId"] for g in n["Groups"]], [default["GroupId"]])
        self.assertNotIn("Attachment", n)

    def test_private_ip_address(self):
        n = self.eni(self.s, PrivateIpAddress="10.0.1.50")
        self.assertEqual(n["PrivateIpAddress"], "10.0.1.50")
        self.assertEqual(self.eni_ips(n["NetworkInterfaceId"]), {"10.0.1.50"})

    def test_private_ip_addresses_with_primary(self):
        n = self.eni(self.s, PrivateIpAddresses=[
            {"PrivateIpAddress": "10.0.1.20", "Primary": False},
            {"PrivateIpAddress": "10.0.1.21", "Primary": True},
            {"PrivateIpAddress": "10.0.1.22", "Primary": False}])
        self.assertEqual(n["PrivateIpAddress"], "10.0.1.21")
        got = {p["PrivateIpAddress"]: p["Primary"] for p in self.describe_eni(n["NetworkInterfaceId"])["PrivateIpAddresses"]}
        self.assertEqual(got, {"10.0.1.20": False, "10.0.1.21": True, "10.0.1.22": False})

    def test_secondary_count(self):
        n = self.eni(self.s, SecondaryPrivateIpAddressCount=3)
        ips = [p["PrivateIpAddress"] for p in n["PrivateIpAddresses"]]
        self.assertEqual(len(ips), 4)
        self.assertEqual(len(set(ips)), 4)
        self.assertEqual(sum(p["Primary"] for p in n["PrivateIpAddresses"]), 1)
        self.assertTrue(all(in_subnet(ip) for ip in ips), ips)
        self.assertEqual(self.subnet_free(self.s), 251 - 4)

    def test_ipv4_prefixes(self):
        n = self.eni(self.s, Ipv4Prefixes=[{"Ipv4Prefix": "10.0.1.32/28"}])
        self.assertEqual([p["Ipv4Prefix"] for p in n["Ipv4Prefixes"]], ["10.0.1.32/28"])
        self.assertFalse(ipaddress.ip_address(n["PrivateIpAddress"]) in ipaddress.ip_network("10.0.1.32/28"))
        m = self.eni(self.s, Ipv4PrefixCount=2)
        prefixes = [p["Ipv4Prefix"] for p in self.describe_eni(m["NetworkInterfaceId"])["Ipv4Prefixes"]]
        self.assertEqual(len(prefixes), 2)
        for p in prefixes:
            net = ipaddress.ip_network(p)  # strict: raises if not aligned
            self.assertEqual(net.prefixlen, 28)
            self.assertTrue(net.subnet_of(ipaddress.ip_network("10.0.1.0/24")))
            self.assertNotEqual(p, "10.0.1.32/28")

    def test_groups_description_tags(self):
        g = self.ec2.create_security_group(GroupName="g", Description="d", VpcId=self.v)["GroupId"]
        n = self.eni(self.s, Groups=[g], Description="hello",
                     TagSpecifications=[{"ResourceType": "network-interface",
                                         "Tags": [{"Key": "team", "Value": "net"}]}])
        d = self.describe_eni(n["NetworkInterfaceId"])
        self.assertEqual([x["GroupId"] for x in d["Groups"]], [g])
        self.assertEqual(d["Groups"][0]["GroupName"], "g")
        self.assertEqual(d["Description"], "hello")
        self.assertEqual(tags_of(d), {"team": "net"})
        self.assertEqual(tags_of(n), {"team": "net"})

    def test_client_token_idempotency(self):
        a = self.ec2.create_network_interface(SubnetId=self.s, Description="x", ClientToken="tok-1")
        b = self.ec2.create_network_interface(SubnetId=self.s, Description="x", ClientToken="tok-1")
        self.assertEqual(a["NetworkInterface"]["NetworkInterfaceId"], b["NetworkInterface"]["NetworkInterfaceId"])
        self.assertEqual(a.get("ClientToken"), "tok-1")
        self.assertEqual(len(self.ec2.describe_network_interfaces()["NetworkInterfaces"]), 1)
        with self.assertEc2Error("IdempotentParameterMismatch"):
            self.ec2.create_network_interface(SubnetId=self.s, Description="y", ClientToken="tok-1")
        self.assertEqual(len(self.ec2.describe_network_interfaces()["NetworkInterfaces"]), 1)

    def test_boto3_fills_client_token(self):
        # boto3 auto-generates ClientToken (idempotencyToken) - two plain calls are two ENIs
        a = self.eni(self.s)["NetworkInterfaceId"]
        b = self.eni(self.s)["NetworkInterfaceId"]
        self.assertNotEqual(a, b)


class CreateNetworkInterfaceErrorsTest(HarnessTestCase):
    """Address validation on create: in use, reserved, outside the subnet, unknown subnet/group."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net("10.0.1.0/24")

    def test_address_in_use(self):
        self.eni(self.s, PrivateIpAddress="10.0.1.50")
        with self.assertEc2Error("InvalidIPAddress.InUse"):
            self.eni(self.s, PrivateIpAddress="10.0.1.50")

    def test_address_outside_subnet(self):
        # EC2: "InvalidParameterValue: Address 10.0.2.5 does not fall within the subnet's address range"
        with self.assertEc2Error("InvalidParameterValue"):
            self.eni(self.s, PrivateIpAddress="10.0.2.5")

    def test_reserved_addresses(self):
        # first four and the last address of every subnet are reserved (VPC user guide, "Subnet CIDR blocks")
        for ip in ("10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"):
            with self.subTest(ip=ip), self.assertEc2Error("InvalidParameterValue"):
                self.eni(self.s, PrivateIpAddress=ip)
        self.assertEqual(self.ec2.describe_network_interfaces()["NetworkInterfaces"], [])

    def test_unknown_subnet(self):
        with self.assertEc2Error("InvalidSubnetID.NotFound"):
            self.ec2.create_network_interface(SubnetId="subnet-0123456789abcdef0")

    def test_unknown_group(self):
        with self.assertEc2Error("InvalidGroup.NotFound"):
            self.eni(self.s, Groups=["sg-0123456789abcdef0"])

    def test_misaligned_prefix(self):
        with self.assertEc2Error("InvalidParameterValue"):
            self.eni(self.s, Ipv4Prefixes=[{"Ipv4Prefix": "10.0.1.33/28"}])


class DeleteNetworkInterfaceTest(HarnessTestCase):
    """DeleteNetworkInterface; NotFound vs Malformed ids."""

    def test_delete(self):
        v, s = self.net()
        eni = self.eni(s)["NetworkInterfaceId"]
        self.ec2.delete_network_interface(NetworkInterfaceId=eni)
        with self.assertEc2Error("InvalidNetworkInterfaceID.NotFound"):
            self.describe_eni(eni)
        with self.assertEc2Error("InvalidNetworkInterfaceID.NotFound"):
            self.ec2.delete_network_interface(NetworkInterfaceId=eni)

    def test_unknown_and_malformed_ids(self):
        with self.assertEc2Error("InvalidNetworkInterfaceID.NotFound") as cm:
            self.ec2.describe_network_interfaces(NetworkInterfaceIds=["eni-0123456789abcdef0"])
        self.assertIn("eni-0123456789abcdef0", cm.exception.response["Error"]["Message"])
        with self.assertEc2Error("InvalidNetworkInterfaceId.Malformed"):
            self.ec2.describe_network_interfaces(NetworkInterfaceIds=["nope"])
        with self.assertEc2Error("InvalidNetworkInterfaceId.Malformed"):
            self.ec2.delete_network_interface(NetworkInterfaceId="nope")

    def test_delete_frees_addresses(self):
        v, s = self.net()
        eni = self.eni(s, PrivateIpAddress="10.0.1.50")["NetworkInterfaceId"]
        self.ec2.delete_network_interface(NetworkInterfaceId=eni)
        again = self.eni(s, PrivateIpAddress="10.0.1.50")
        self.assertEqual(again["PrivateIpAddress"], "10.0.1.50")
