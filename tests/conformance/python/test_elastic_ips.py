"""Elastic IPs: Allocate/Associate/Disassociate/Release/DescribeAddresses."""
import ipaddress

from base import DOC_NETS, HarnessTestCase, tags_of


class AllocateReleaseTest(HarnessTestCase):
    """AllocateAddress (Domain, Address recovery, pool, border group, tags); ReleaseAddress."""

    def test_allocate_vpc(self):
        r = self.ec2.allocate_address(Domain="vpc")
        self.assertId("eipalloc", r["AllocationId"])
        self.assertEqual(r["Domain"], "vpc")
        ip = ipaddress.ip_address(r["PublicIp"])
        self.assertTrue(any(ip in n for n in DOC_NETS), r["PublicIp"])
        self.assertEqual(r["NetworkBorderGroup"], "us-east-1")
        [a] = self.ec2.describe_addresses(AllocationIds=[r["AllocationId"]])["Addresses"]
        self.assertEqual((a["PublicIp"], a["Domain"]), (r["PublicIp"], "vpc"))
        self.assertNotIn("AssociationId", a)

    def test_distinct_addresses(self):
        ips = {self.ec2.allocate_address(Domain="vpc")["PublicIp"] for _ in range(5)}
        self.assertEqual(len(ips), 5)

    def test_recover_released_address(self):
        r = self.ec2.allocate_address(Domain="vpc")
        self.ec2.release_address(AllocationId=r["AllocationId"])
        self.assertEqual(self.ec2.describe_addresses()["Addresses"], [])
        again = self.ec2.allocate_address(Domain="vpc", Address=r["PublicIp"])
        self.assertEqual(again["PublicIp"], r["PublicIp"])
        self.assertId("eipalloc", again["AllocationId"])

    def test_pool_border_group_tags(self):
        r = self.ec2.allocate_address(Domain="vpc", PublicIpv4Pool="amazon", NetworkBorderGroup="us-east-1",
                                      TagSpecifications=[{"ResourceType": "elastic-ip",
                                                          "Tags": [{"Key": "k", "Value": "v"}]}])
        self.assertEqual(r["PublicIpv4Pool"], "amazon")
        self.assertEqual(r["NetworkBorderGroup"], "us-east-1")
        [a] = self.ec2.describe_addresses(AllocationIds=[r["AllocationId"]])["Addresses"]
        self.assertEqual(tags_of(a), {"k": "v"})
        self.assertEqual(a["PublicIpv4Pool"], "amazon")

    def test_dry_run(self):
        with self.assertEc2Error("DryRunOperation", status=412):
            self.ec2.allocate_address(Domain="vpc", DryRun=True)
        self.assertEqual(self.ec2.describe_addresses()["Addresses"], [])

    def test_release_unknown(self):
        with self.assertEc2Error("InvalidAllocationID.NotFound"):
            self.ec2.release_address(AllocationId="eipalloc-0123456789abcdef0")
        with self.assertEc2Error("InvalidAllocationID.NotFound"):
            self.ec2.describe_addresses(AllocationIds=["eipalloc-0123456789abcdef0"])


class AssociateTest(HarnessTestCase):
    """AssociateAddress to an instance or ENI (+private IP); reassociation rules; release while in use."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net()
        self.inst = self.instance(self.s)
        self.iid = self.inst["InstanceId"]
        self.wait_state(self.iid, "running")
        self.alloc = self.ec2.allocate_address(Domain="vpc")

    def address(self):
        return self.ec2.describe_addresses(AllocationIds=[self.alloc["AllocationId"]])["Addresses"][0]

    def test_associate_instance(self):
        r = self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], InstanceId=self.iid)
        self.assertId("eipassoc", r["AssociationId"])
        a = self.address()
        p = self.primary_eni(self.iid)
        self.assertEqual(a["AssociationId"], r["AssociationId"])
        self.assertEqual(a["InstanceId"], self.iid)
        self.assertEqual(a["NetworkInterfaceId"], p["NetworkInterfaceId"])
        self.assertEqual(a["PrivateIpAddress"], p["PrivateIpAddress"])
        self.assertEqual(self.describe_instance(self.iid).get("PublicIpAddress"), self.alloc["PublicIp"])
        eni = self.describe_eni(p["NetworkInterfaceId"])
        self.assertEqual(eni["Association"]["PublicIp"], self.alloc["PublicIp"])

    def test_associate_eni_secondary_ip(self):
        e = self.eni(self.s, PrivateIpAddress="10.0.1.50")["NetworkInterfaceId"]
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=e, PrivateIpAddresses=["10.0.1.51"])
        r = self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], NetworkInterfaceId=e,
                                       PrivateIpAddress="10.0.1.51")
        a = self.address()
        self.assertEqual((a["NetworkInterfaceId"], a["PrivateIpAddress"], a["AssociationId"]),
                         (e, "10.0.1.51", r["AssociationId"]))
        ips = {p["PrivateIpAddress"]: p.get("Association", {}).get("PublicIp")
               for p in self.describe_eni(e)["PrivateIpAddresses"]}
        self.assertEqual(ips, {"10.0.1.50": None, "10.0.1.51": self.alloc["PublicIp"]})

    def test_private_ip_not_on_eni(self):
        e = self.eni(self.s)["NetworkInterfaceId"]
        with self.assertEc2Error("InvalidParameterValue"):
            self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], NetworkInterfaceId=e,
                                       PrivateIpAddress="10.0.1.222")

    def test_reassociation_rules(self):
        e = self.eni(self.s)["NetworkInterfaceId"]
        self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], InstanceId=self.iid)
        with self.assertEc2Error("Resource.AlreadyAssociated"):
            self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], NetworkInterfaceId=e,
                                       AllowReassociation=False)
        self.assertEqual(self.address()["InstanceId"], self.iid)
        # flag omitted: in a VPC reassociation is automatic (AssociateAddress API reference)
        r = self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], NetworkInterfaceId=e)
        a = self.address()
        self.assertEqual((a["NetworkInterfaceId"], a["AssociationId"]), (e, r["AssociationId"]))
        self.assertNotIn("InstanceId", a)
        r2 = self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], InstanceId=self.iid,
                                        AllowReassociation=True)
        self.assertEqual(self.address()["AssociationId"], r2["AssociationId"])

    def test_missing_allocation_and_public_ip(self):
        with self.assertEc2Error("MissingParameter"):
            self.ec2.associate_address(InstanceId=self.iid)

    def test_unknown_allocation(self):
        with self.assertEc2Error("InvalidAllocationID.NotFound"):
            self.ec2.associate_address(AllocationId="eipalloc-0123456789abcdef0", InstanceId=self.iid)

    def test_disassociate_twice_is_idempotent(self):
        r = self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], InstanceId=self.iid)
        self.ec2.disassociate_address(AssociationId=r["AssociationId"])
        self.assertNotIn("AssociationId", self.address())
        self.ec2.disassociate_address(AssociationId=r["AssociationId"])  # seed 004: no error
        self.assertNotIn("InstanceId", self.address())

    def test_release_associated(self):
        r = self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], InstanceId=self.iid)
        with self.assertEc2Error("InvalidIPAddress.InUse"):
            self.ec2.release_address(AllocationId=self.alloc["AllocationId"])
        self.ec2.disassociate_address(AssociationId=r["AssociationId"])
        self.ec2.release_address(AllocationId=self.alloc["AllocationId"])
        self.assertEqual(self.ec2.describe_addresses()["Addresses"], [])

    def test_dry_run_associate(self):
        with self.assertEc2Error("DryRunOperation", status=412):
            self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], InstanceId=self.iid, DryRun=True)
        self.assertNotIn("AssociationId", self.address())

    def test_eip_follows_reassigned_secondary_ip(self):
        a = self.eni(self.s, PrivateIpAddress="10.0.1.60")["NetworkInterfaceId"]
        b = self.eni(self.s, PrivateIpAddress="10.0.1.61")["NetworkInterfaceId"]
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=a, PrivateIpAddresses=["10.0.1.70"])
        self.ec2.associate_address(AllocationId=self.alloc["AllocationId"], NetworkInterfaceId=a,
                                   PrivateIpAddress="10.0.1.70")
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=b, PrivateIpAddresses=["10.0.1.70"],
                                             AllowReassignment=True)
        addr = self.address()
        self.assertEqual((addr["NetworkInterfaceId"], addr["PrivateIpAddress"]), (b, "10.0.1.70"))
        moved = {p["PrivateIpAddress"]: p.get("Association", {}).get("PublicIp")
                 for p in self.describe_eni(b)["PrivateIpAddresses"]}
        self.assertEqual(moved.get("10.0.1.70"), self.alloc["PublicIp"])


class DescribeAddressesTest(HarnessTestCase):
    """DescribeAddresses filters."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net()
        self.iid = self.instance(self.s)["InstanceId"]
        self.wait_state(self.iid, "running")  # EIPs associate with running instances
        self.e = self.eni(self.s, PrivateIpAddress="10.0.1.80")["NetworkInterfaceId"]
        self.x = self.ec2.allocate_address(Domain="vpc", TagSpecifications=[
            {"ResourceType": "elastic-ip", "Tags": [{"Key": "role", "Value": "x"}]}])
        self.y = self.ec2.allocate_address(Domain="vpc")
        self.z = self.ec2.allocate_address(Domain="vpc")
        self.ax = self.ec2.associate_address(AllocationId=self.x["AllocationId"], InstanceId=self.iid)["AssociationId"]
        self.ec2.associate_address(AllocationId=self.y["AllocationId"], NetworkInterfaceId=self.e)

    def find(self, name, *values):
        return {a["AllocationId"] for a in self.ec2.describe_addresses(
            Filters=[{"Name": name, "Values": list(values)}])["Addresses"]}

    def test_filters(self):
        x, y, z = self.x["AllocationId"], self.y["AllocationId"], self.z["AllocationId"]
        self.assertEqual(self.find("allocation-id", y), {y})
        self.assertEqual(self.find("association-id", self.ax), {x})
        self.assertEqual(self.find("network-interface-id", self.e), {y})
        self.assertEqual(self.find("private-ip-address", "10.0.1.80"), {y})
        self.assertEqual(self.find("public-ip", self.z["PublicIp"]), {z})
        self.assertEqual(self.find("instance-id", self.iid), {x})
        self.assertEqual(self.find("domain", "vpc"), {x, y, z})
        self.assertEqual(self.find("tag:role", "x"), {x})
        self.assertEqual(self.find("tag-key", "role"), {x})

    def test_by_public_ip(self):
        got = self.ec2.describe_addresses(PublicIps=[self.y["PublicIp"]])["Addresses"]
        self.assertEqual([a["AllocationId"] for a in got], [self.y["AllocationId"]])

    def test_terminate_disassociates(self):
        self.ec2.terminate_instances(InstanceIds=[self.iid])
        self.eventually(lambda: "AssociationId" not in self.ec2.describe_addresses(
            AllocationIds=[self.x["AllocationId"]])["Addresses"][0], msg="EIP disassociated on terminate")
        [a] = self.ec2.describe_addresses(AllocationIds=[self.x["AllocationId"]])["Addresses"]
        self.assertNotIn("InstanceId", a)
