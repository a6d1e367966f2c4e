"""AssignPrivateIpAddresses / UnassignPrivateIpAddresses: addresses, prefixes, moves, limits."""
import ipaddress

from botocore.exceptions import ClientError

from base import HarnessTestCase

SUBNET = ipaddress.ip_network("10.0.1.0/24")


class AssignTest(HarnessTestCase):
    """Assign by address, by count, by prefix; the response lists only what this call assigned."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net("10.0.1.0/24")
        self.e = self.eni(self.s, PrivateIpAddress="10.0.1.10")["NetworkInterfaceId"]

    def test_specific_addresses(self):
        r = self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, PrivateIpAddresses=["10.0.1.20", "10.0.1.21"])
        self.assertEqual(r["NetworkInterfaceId"], self.e)
        self.assertEqual(sorted(a["PrivateIpAddress"] for a in r["AssignedPrivateIpAddresses"]), ["10.0.1.20", "10.0.1.21"])
        got = {p["PrivateIpAddress"]: p["Primary"] for p in self.describe_eni(self.e)["PrivateIpAddresses"]}
        self.assertEqual(got, {"10.0.1.10": True, "10.0.1.20": False, "10.0.1.21": False})

    def test_by_count_lists_only_new(self):
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, PrivateIpAddresses=["10.0.1.20"])
        r = self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, SecondaryPrivateIpAddressCount=2)
        new = [a["PrivateIpAddress"] for a in r["AssignedPrivateIpAddresses"]]
        self.assertEqual(len(new), 2)
        self.assertEqual(len(set(new)), 2)
        self.assertFalse({"10.0.1.10", "10.0.1.20"} & set(new))
        for ip in new:
            a = ipaddress.ip_address(ip)
            self.assertIn(a, SUBNET)
            self.assertGreater(int(a) - int(SUBNET.network_address), 3)
            self.assertNotEqual(a, SUBNET.broadcast_address)
        self.assertEqual(self.eni_ips(self.e), {"10.0.1.10", "10.0.1.20", *new})

    def test_prefix_explicit_and_count(self):
        r = self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, Ipv4Prefixes=["10.0.1.48/28"])
        self.assertEqual([p["Ipv4Prefix"] for p in r["AssignedIpv4Prefixes"]], ["10.0.1.48/28"])
        self.assertEqual(r.get("AssignedPrivateIpAddresses", []), [])
        r = self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, Ipv4PrefixCount=1)
        [p] = [x["Ipv4Prefix"] for x in r["AssignedIpv4Prefixes"]]
        net = ipaddress.ip_network(p)  # strict parse: must be aligned
        self.assertEqual(net.prefixlen, 28)
        self.assertTrue(net.subnet_of(SUBNET))
        self.assertNotEqual(p, "10.0.1.48/28")
        self.assertNotIn(ipaddress.ip_address("10.0.1.10"), net)  # the primary's block is taken
        got = {x["Ipv4Prefix"] for x in self.describe_eni(self.e)["Ipv4Prefixes"]}
        self.assertEqual(got, {"10.0.1.48/28", p})

    def test_prefix_and_address_never_overlap(self):
        other = self.eni(self.s)["NetworkInterfaceId"]
        # a /28 containing an address already in use can't be delegated
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, PrivateIpAddresses=["10.0.1.70"])
        with self.assertRaises(ClientError):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=other, Ipv4Prefixes=["10.0.1.64/28"])
        self.assertEqual(self.describe_eni(other).get("Ipv4Prefixes", []), [])
        # an address inside a delegated /28 can't be assigned as a single address
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, Ipv4Prefixes=["10.0.1.96/28"])
        with self.assertRaises(ClientError):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=other, PrivateIpAddresses=["10.0.1.100"])
        self.assertNotIn("10.0.1.100", self.eni_ips(other))

    def test_misaligned_prefix(self):
        for bad in ("10.0.1.40/28", "10.0.1.64/27"):
            with self.subTest(prefix=bad), self.assertEc2Error("InvalidParameterValue"):
                self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, Ipv4Prefixes=[bad])

    def test_parameter_combinations(self):
        with self.assertEc2Error("InvalidParameterCombination"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, PrivateIpAddresses=["10.0.1.20"],
                                                 SecondaryPrivateIpAddressCount=1)
        with self.assertEc2Error("InvalidParameterCombination"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, Ipv4Prefixes=["10.0.1.48/28"],
                                                 Ipv4PrefixCount=1)
        self.assertEqual(self.eni_ips(self.e), {"10.0.1.10"})

    def test_neither_addresses_nor_count(self):
        # API reference: "You must specify either the IP addresses or the IP address count in the request."
        with self.assertEc2Error("MissingParameter"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e)

    def test_reserved_addresses_rejected(self):
        for ip in ("10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"):
            with self.subTest(ip=ip), self.assertEc2Error("InvalidParameterValue"):
                self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, PrivateIpAddresses=[ip])
        self.assertEqual(self.eni_ips(self.e), {"10.0.1.10"})

    def test_address_outside_subnet_rejected(self):
        with self.assertEc2Error("InvalidParameterValue"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, PrivateIpAddresses=["10.0.2.20"])

    def test_unknown_eni(self):
        with self.assertEc2Error("InvalidNetworkInterfaceID.NotFound"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId="eni-0123456789abcdef0", SecondaryPrivateIpAddressCount=1)
        with self.assertEc2Error("InvalidNetworkInterfaceId.Malformed"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId="eni-zz", SecondaryPrivateIpAddressCount=1)


class ReassignTest(HarnessTestCase):
    """An address on another ENI moves only with AllowReassignment; primaries never move."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net("10.0.1.0/24")
        self.a = self.eni(self.s, PrivateIpAddress="10.0.1.10")["NetworkInterfaceId"]
        self.b = self.eni(self.s, PrivateIpAddress="10.0.1.11")["NetworkInterfaceId"]
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.a, PrivateIpAddresses=["10.0.1.20"])

    def test_without_allow_reassignment(self):
        with self.assertEc2Error("InvalidParameterValue"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.b, PrivateIpAddresses=["10.0.1.20"])
        self.assertIn("10.0.1.20", self.eni_ips(self.a))
        self.assertNotIn("10.0.1.20", self.eni_ips(self.b))

    def test_with_allow_reassignment_moves(self):
        r = self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.b, PrivateIpAddresses=["10.0.1.20"],
                                                 AllowReassignment=True)
        self.assertEqual([x["PrivateIpAddress"] for x in r["AssignedPrivateIpAddresses"]], ["10.0.1.20"])
        self.assertEqual(self.eni_ips(self.a), {"10.0.1.10"})
        self.assertEqual(self.eni_ips(self.b), {"10.0.1.11", "10.0.1.20"})
        found = self.ec2.describe_network_interfaces(
            Filters=[{"Name": "addresses.private-ip-address", "Values": ["10.0.1.20"]}])["NetworkInterfaces"]
        self.assertEqual([n["NetworkInterfaceId"] for n in found], [self.b])

    def test_primary_cannot_move(self):
        with self.assertRaises(ClientError) as cm:
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.b, PrivateIpAddresses=["10.0.1.10"],
                                                 AllowReassignment=True)
        # EC2.md table: a primary can never be moved -> InvalidParameterValue (InvalidIPAddress.InUse tolerated)
        self.assertIn(cm.exception.response["Error"]["Code"], ("InvalidParameterValue", "InvalidIPAddress.InUse"))
        self.assertEqual(self.describe_eni(self.a)["PrivateIpAddress"], "10.0.1.10")
        self.assertNotIn("10.0.1.10", self.eni_ips(self.b))

    def test_primary_cannot_be_unassigned(self):
        with self.assertRaises(ClientError) as cm:
            self.ec2.unassign_private_ip_addresses(NetworkInterfaceId=self.a, PrivateIpAddresses=["10.0.1.10"])
        self.assertIn(cm.exception.response["Error"]["Code"], ("InvalidParameterValue", "InvalidIPAddress.InUse"))
        self.assertIn("10.0.1.10", self.eni_ips(self.a))


class UnassignTest(HarnessTestCase):
    """UnassignPrivateIpAddresses removes secondary addresses and prefixes and frees them."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net("10.0.1.0/24")
        self.e = self.eni(self.s, PrivateIpAddress="10.0.1.10")["NetworkInterfaceId"]

    def test_unassign_addresses(self):
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, PrivateIpAddresses=["10.0.1.20", "10.0.1.21"])
        self.ec2.unassign_private_ip_addresses(NetworkInterfaceId=self.e, PrivateIpAddresses=["10.0.1.20"])
        self.assertEqual(self.eni_ips(self.e), {"10.0.1.10", "10.0.1.21"})
        other = self.eni(self.s)["NetworkInterfaceId"]  # freed address is usable again without reassignment
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=other, PrivateIpAddresses=["10.0.1.20"])
        self.assertIn("10.0.1.20", self.eni_ips(other))

    def test_unassign_prefix(self):
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=self.e, Ipv4Prefixes=["10.0.1.48/28", "10.0.1.64/28"])
        self.ec2.unassign_private_ip_addresses(NetworkInterfaceId=self.e, Ipv4Prefixes=["10.0.1.48/28"])
        self.assertEqual([p["Ipv4Prefix"] for p in self.describe_eni(self.e)["Ipv4Prefixes"]], ["10.0.1.64/28"])
        self.assertEqual(self.subnet_free(self.s), 251 - 1 - 16)

    def test_unassign_address_not_on_eni(self):
        # EC2: "InvalidParameterValue: Some of the specified addresses are not assigned to interface eni-..."
        with self.assertEc2Error("InvalidParameterValue"):
            self.ec2.unassign_private_ip_addresses(NetworkInterfaceId=self.e, PrivateIpAddresses=["10.0.1.99"])


class LimitsTest(HarnessTestCase):
    """Per-instance-type IPv4-per-ENI limits (prefixes count as one each) and subnet exhaustion."""

    def test_instance_type_limit(self):
        v, s = self.net()
        iid = self.instance(s, "t3.micro")["InstanceId"]  # 2 IPv4 per ENI, primary included
        eni = self.primary_eni(iid)["NetworkInterfaceId"]
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=1)
        with self.assertEc2Error("PrivateIpAddressLimitExceeded"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=1)
        self.assertEqual(len(self.eni_ips(eni)), 2)

    def test_limit_counts_prefixes(self):
        v, s = self.net()
        iid = self.instance(s, "t3.micro")["InstanceId"]
        eni = self.primary_eni(iid)["NetworkInterfaceId"]
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, Ipv4PrefixCount=1)
        with self.assertEc2Error("PrivateIpAddressLimitExceeded"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=1)
        with self.assertEc2Error("PrivateIpAddressLimitExceeded"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, Ipv4PrefixCount=1)

    def test_limit_on_attached_secondary_eni(self):
        v, s = self.net()
        iid = self.instance(s, "m5.large")["InstanceId"]  # 10 IPv4 per ENI
        self.wait_state(iid, "running")
        eni = self.eni(s)["NetworkInterfaceId"]
        self.ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=iid, DeviceIndex=1)
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=9)
        with self.assertEc2Error("PrivateIpAddressLimitExceeded"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=1)

    def test_over_limit_request_is_all_or_nothing(self):
        v, s = self.net()
        iid = self.instance(s, "m5.large")["InstanceId"]
        eni = self.primary_eni(iid)["NetworkInterfaceId"]
        with self.assertEc2Error("PrivateIpAddressLimitExceeded"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=10)
        self.assertEqual(len(self.eni_ips(eni)), 1)

    def test_subnet_exhaustion(self):
        v, s = self.net("10.0.1.0/28")  # 16 - 5 = 11 usable
        e = self.eni(s)["NetworkInterfaceId"]
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=e, SecondaryPrivateIpAddressCount=10)
        self.assertEqual(self.subnet_free(s), 0)
        with self.assertEc2Error("InsufficientFreeAddressesInSubnet"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=e, SecondaryPrivateIpAddressCount=1)
        with self.assertEc2Error("InsufficientFreeAddressesInSubnet"):
            self.ec2.create_network_interface(SubnetId=s)

    def test_no_free_prefix(self):
        v, s = self.net("10.0.1.0/28")  # the only /28 holds the reserved addresses
        e = self.eni(s)["NetworkInterfaceId"]
        with self.assertEc2Error("InsufficientCidrBlocks"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=e, Ipv4PrefixCount=1)
