"""VPCs, subnets, security groups, availability zones and regions."""
import ipaddress

from base import HarnessTestCase, tags_of


class VpcTest(HarnessTestCase):
    """CreateVpc/DescribeVpcs/DeleteVpc; a new VPC owns a 'default' security group; no default VPC."""

    def test_create_and_describe(self):
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16",
                                  TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "a"}]}])["Vpc"]
        self.assertId("vpc", vpc["VpcId"])
        self.assertEqual(vpc["CidrBlock"], "10.0.0.0/16")
        self.assertIn(vpc["State"], ("pending", "available"))
        got = self.ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"]
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["State"], "available")
        self.assertFalse(got[0]["IsDefault"])
        self.assertEqual(tags_of(got[0]), {"Name": "a"})

    def test_no_default_vpc_exists(self):
        self.assertEqual(self.ec2.describe_vpcs()["Vpcs"], [])

    def test_default_security_group_created(self):
        v = self.vpc()
        sgs = self.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [v]}])["SecurityGroups"]
        self.assertEqual([g["GroupName"] for g in sgs], ["default"])
        self.assertId("sg", sgs[0]["GroupId"])
        self.assertEqual(sgs[0]["VpcId"], v)

    def test_vpc_cidr_size_outside_16_to_28(self):
        # EC2: "The allowed block size is between a /16 netmask and /28 netmask" -> InvalidVpc.Range
        for cidr in ("10.0.0.0/15", "10.0.0.0/29"):
            with self.assertEc2Error("InvalidVpc.Range"):
                self.ec2.create_vpc(CidrBlock=cidr)

    def test_vpc_malformed_cidr(self):
        with self.assertEc2Error("InvalidParameterValue"):
            self.ec2.create_vpc(CidrBlock="10.0.0.0/99")

    def test_describe_filters(self):
        a, b = self.vpc("10.0.0.0/16"), self.vpc("10.1.0.0/16")
        # DescribeVpcs names it "cidr" (DescribeSubnets has "cidr-block"); botocore model docs
        got = self.ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.1.0.0/16"]}])["Vpcs"]
        self.assertEqual([x["VpcId"] for x in got], [b])
        got = self.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [a]}])["Vpcs"]
        self.assertEqual([x["VpcId"] for x in got], [a])

    def test_delete_with_subnet_is_dependency_violation(self):
        v, s = self.net()
        with self.assertEc2Error("DependencyViolation"):
            self.ec2.delete_vpc(VpcId=v)
        self.ec2.delete_subnet(SubnetId=s)
        self.ec2.delete_vpc(VpcId=v)  # the default SG goes with the VPC
        with self.assertEc2Error("InvalidVpcID.NotFound"):
            self.ec2.describe_vpcs(VpcIds=[v])
        self.assertEqual(self.ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [v]}])["SecurityGroups"], [])

    def test_delete_unknown(self):
        with self.assertEc2Error("InvalidVpcID.NotFound"):
            self.ec2.delete_vpc(VpcId="vpc-0123456789abcdef0")


class SubnetTest(HarnessTestCase):
    """CreateSubnet /16-/28 inside the VPC, no overlap; AvailableIpAddressCount = 2^(32-n) - 5 - used."""

    def test_create_and_count(self):
        v = self.vpc()
        for cidr, n in (("10.0.0.0/24", 251), ("10.0.1.0/28", 11), ("10.0.128.0/17", 2 ** 15 - 5)):
            sn = self.ec2.create_subnet(VpcId=v, CidrBlock=cidr, AvailabilityZone="us-east-1b")["Subnet"]
            self.assertId("subnet", sn["SubnetId"])
            self.assertEqual(sn["VpcId"], v)
            self.assertEqual(sn["CidrBlock"], cidr)
            self.assertEqual(sn["AvailabilityZone"], "us-east-1b")
            self.assertEqual(sn["AvailableIpAddressCount"], n)
            self.assertEqual(self.subnet_free(sn["SubnetId"]), n)

    def test_whole_vpc_subnet_16(self):
        v = self.vpc()
        sn = self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.0.0/16")["Subnet"]
        self.assertEqual(sn["AvailableIpAddressCount"], 65531)
        self.assertTrue(sn["AvailabilityZone"].startswith("us-east-1"))

    def test_size_out_of_range(self):
        v = self.vpc("10.0.0.0/16")
        with self.assertEc2Error("InvalidSubnet.Range"):
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.0.0/29")

    def test_outside_vpc(self):
        v = self.vpc("10.0.0.0/16")
        with self.assertEc2Error("InvalidSubnet.Range"):
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.1.0.0/24")
        with self.assertEc2Error("InvalidSubnet.Range"):
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.0.0/15")

    def test_overlap(self):
        v, _ = self.net("10.0.1.0/24")
        with self.assertEc2Error("InvalidSubnet.Conflict"):
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.1.128/25")
        with self.assertEc2Error("InvalidSubnet.Conflict"):
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.0.0/23")
        self.subnet(v, "10.0.2.0/24")  # adjacent is fine

    def test_unknown_vpc(self):
        with self.assertEc2Error("InvalidVpcID.NotFound"):
            self.ec2.create_subnet(VpcId="vpc-0123456789abcdef0", CidrBlock="10.0.0.0/24")

    def test_available_count_tracks_addresses(self):
        v, s = self.net("10.0.1.0/24")
        self.assertEqual(self.subnet_free(s), 251)
        eni = self.eni(s)["NetworkInterfaceId"]
        self.assertEqual(self.subnet_free(s), 250)
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=3)
        self.assertEqual(self.subnet_free(s), 247)
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, Ipv4PrefixCount=1)
        self.assertEqual(self.subnet_free(s), 231)  # a /28 prefix takes 16 addresses
        self.ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=[
            p["PrivateIpAddress"] for p in self.describe_eni(eni)["PrivateIpAddresses"] if not p["Primary"]][:2])
        self.assertEqual(self.subnet_free(s), 233)
        self.ec2.delete_network_interface(NetworkInterfaceId=eni)
        self.assertEqual(self.subnet_free(s), 251)

    def test_describe_filters(self):
        v = self.vpc()
        a = self.subnet(v, "10.0.1.0/24", "us-east-1a")
        b = self.subnet(v, "10.0.2.0/24", "us-east-1b")
        f = lambda n, val: {x["SubnetId"] for x in self.ec2.describe_subnets(
            Filters=[{"Name": n, "Values": [val]}])["Subnets"]}
        self.assertEqual(f("vpc-id", v), {a, b})
        self.assertEqual(f("availability-zone", "us-east-1b"), {b})
        self.assertEqual(f("cidr-block", "10.0.1.0/24"), {a})
        self.assertEqual(f("subnet-id", a), {a})

    def test_delete(self):
        v, s = self.net()
        eni = self.eni(s)["NetworkInterfaceId"]
        with self.assertEc2Error("DependencyViolation"):
            self.ec2.delete_subnet(SubnetId=s)
        self.ec2.delete_network_interface(NetworkInterfaceId=eni)
        self.ec2.delete_subnet(SubnetId=s)
        with self.assertEc2Error("InvalidSubnetID.NotFound"):
            self.ec2.describe_subnets(SubnetIds=[s])
        with self.assertEc2Error("InvalidSubnetID.NotFound"):
            self.ec2.delete_subnet(SubnetId=s)


class SecurityGroupTest(HarnessTestCase):
    """CreateSecurityGroup/DescribeSecurityGroups/DeleteSecurityGroup in a VPC."""

    def test_create_describe_delete(self):
        v = self.vpc()
        gid = self.ec2.create_security_group(GroupName="web", Description="web tier", VpcId=v)["GroupId"]
        self.assertId("sg", gid)
        g = self.ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
        self.assertEqual((g["GroupName"], g["Description"], g["VpcId"]), ("web", "web tier", v))
        by_name = self.ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["web"]}])
        self.assertEqual([x["GroupId"] for x in by_name["SecurityGroups"]], [gid])
        self.ec2.delete_security_group(GroupId=gid)
        with self.assertEc2Error("InvalidGroup.NotFound"):
            self.ec2.describe_security_groups(GroupIds=[gid])

    def test_duplicate_name(self):
        v = self.vpc()
        self.ec2.create_security_group(GroupName="web", Description="d", VpcId=v)
        with self.assertEc2Error("InvalidGroup.Duplicate"):
            self.ec2.create_security_group(GroupName="web", Description="d", VpcId=v)
        self.ec2.create_security_group(GroupName="web", Description="d", VpcId=self.vpc("10.1.0.0/16"))

    def test_unknown_group(self):
        with self.assertEc2Error("InvalidGroup.NotFound"):
            self.ec2.delete_security_group(GroupId="sg-0123456789abcdef0")

    def test_group_in_use_cannot_be_deleted(self):
        v, s = self.net()
        gid = self.ec2.create_security_group(GroupName="g", Description="d", VpcId=v)["GroupId"]
        self.eni(s, Groups=[gid])
        with self.assertEc2Error("DependencyViolation"):
            self.ec2.delete_security_group(GroupId=gid)

    def test_default_group_cannot_be_deleted(self):
        # EC2: deleting a VPC's default group -> CannotDelete (API error-codes reference)
        v = self.vpc()
        gid = self.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [v]},
                                                         {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
        with self.assertEc2Error("CannotDelete"):
            self.ec2.delete_security_group(GroupId=gid)


class ZonesRegionsTest(HarnessTestCase):
    """DescribeAvailabilityZones is per region; DescribeRegions lists regions with endpoints."""

    def test_availability_zones(self):
        zones = self.ec2.describe_availability_zones()["AvailabilityZones"]
        names = {z["ZoneName"] for z in zones}
        self.assertTrue({"us-east-1a", "us-east-1b"} <= names, names)
        for z in zones:
            self.assertEqual(z["RegionName"], "us-east-1")
            self.assertEqual(z["State"], "available")
            self.assertTrue(z["ZoneId"].startswith("use1-az"), z)
        one = self.ec2.describe_availability_zones(ZoneNames=["us-east-1b"])["AvailabilityZones"]
        self.assertEqual([z["ZoneName"] for z in one], ["us-east-1b"])

    def test_zones_follow_region(self):
        import harness_process
        eu = harness_process.client("eu-west-1")
        names = {z["ZoneName"] for z in eu.describe_availability_zones()["AvailabilityZones"]}
        self.assertIn("eu-west-1a", names)
        self.assertFalse(any(n.startswith("us-east-1") for n in names))

    def test_regions(self):
        regions = {r["RegionName"]: r for r in self.ec2.describe_regions()["Regions"]}
        for name in ("us-east-1", "us-west-2", "eu-west-1"):
            self.assertIn(name, regions)
        self.assertEqual(regions["us-east-1"]["Endpoint"], "ec2.us-east-1.amazonaws.com")
        one = self.ec2.describe_regions(RegionNames=["eu-west-1"])["Regions"]
        self.assertEqual([r["RegionName"] for r in one], ["eu-west-1"])

    def test_subnet_in_unknown_zone(self):
        v = self.vpc()
        with self.assertEc2Error("InvalidParameterValue"):
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.1.0/24", AvailabilityZone="eu-west-1a")
