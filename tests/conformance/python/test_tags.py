"""CreateTags / DeleteTags / DescribeTags and tag: filters on Describe* actions."""
from base import HarnessTestCase, tags_of


class TagsTest(HarnessTestCase):
    """Tags on vpc, subnet, network-interface, instance, elastic-ip; DescribeTags filters."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net()
        self.e = self.eni(self.s)["NetworkInterfaceId"]
        self.i = self.instance(self.s)["InstanceId"]
        self.alloc = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        self.ec2.create_tags(Resources=[self.v, self.s, self.e, self.i, self.alloc],
                             Tags=[{"Key": "env", "Value": "prod"}])
        self.ec2.create_tags(Resources=[self.e], Tags=[{"Key": "role", "Value": "web"}, {"Key": "empty", "Value": ""}])

    def describe_tags(self, name, *values):
        return self.ec2.describe_tags(Filters=[{"Name": name, "Values": list(values)}])["Tags"]

    def test_describe_tags_by_resource_id(self):
        got = {(t["Key"], t["Value"], t["ResourceType"]) for t in self.describe_tags("resource-id", self.e)}
        self.assertEqual(got, {("env", "prod", "network-interface"), ("role", "web", "network-interface"),
                               ("empty", "", "network-interface")})

    def test_describe_tags_by_resource_type(self):
        types = {"vpc": self.v, "subnet": self.s, "network-interface": self.e, "instance": self.i,
                 "elastic-ip": self.alloc}
        for rtype, rid in types.items():
            with self.subTest(rtype=rtype):
                got = self.describe_tags("resource-type", rtype)
                self.assertIn(rid, {t["ResourceId"] for t in got})
                self.assertTrue(all(t["ResourceType"] == rtype for t in got))

    def test_describe_tags_by_key_value(self):
        self.assertEqual({t["ResourceId"] for t in self.describe_tags("key", "env")},
                         {self.v, self.s, self.e, self.i, self.alloc})
        self.assertEqual({t["ResourceId"] for t in self.describe_tags("value", "web")}, {self.e})
        both = self.ec2.describe_tags(Filters=[{"Name": "key", "Values": ["env"]},
                                               {"Name": "resource-type", "Values": ["vpc"]}])["Tags"]
        self.assertEqual([(t["ResourceId"], t["Value"]) for t in both], [(self.v, "prod")])

    def test_overwrite_value(self):
        self.ec2.create_tags(Resources=[self.v], Tags=[{"Key": "env", "Value": "dev"}])
        vpc = self.ec2.describe_vpcs(VpcIds=[self.v])["Vpcs"][0]
        self.assertEqual(tags_of(vpc), {"env": "dev"})

    def test_delete_tags(self):
        # key only: deleted whatever its value
        self.ec2.delete_tags(Resources=[self.e], Tags=[{"Key": "role"}])
        # key + non-matching value: kept; key + matching value: deleted
        self.ec2.delete_tags(Resources=[self.v], Tags=[{"Key": "env", "Value": "other"}])
        self.ec2.delete_tags(Resources=[self.s], Tags=[{"Key": "env", "Value": "prod"}])
        self.assertEqual(tags_of(self.describe_eni(self.e)), {"env": "prod", "empty": ""})
        self.assertEqual(tags_of(self.ec2.describe_vpcs(VpcIds=[self.v])["Vpcs"][0]), {"env": "prod"})
        self.assertEqual(tags_of(self.ec2.describe_subnets(SubnetIds=[self.s])["Subnets"][0]), {})
        # Key + empty Value deletes only when the value is empty
        self.ec2.delete_tags(Resources=[self.e], Tags=[{"Key": "env", "Value": ""}])
        self.ec2.delete_tags(Resources=[self.e], Tags=[{"Key": "empty", "Value": ""}])
        self.assertEqual(tags_of(self.describe_eni(self.e)), {"env": "prod"})

    def test_tag_filters_on_describe_actions(self):
        f = [{"Name": "tag:env", "Values": ["prod"]}]
        self.vpc("10.1.0.0/16")  # untagged noise
        self.assertEqual([x["VpcId"] for x in self.ec2.describe_vpcs(Filters=f)["Vpcs"]], [self.v])
        self.assertEqual([x["SubnetId"] for x in self.ec2.describe_subnets(Filters=f)["Subnets"]], [self.s])
        primary = self.primary_eni(self.i)["NetworkInterfaceId"]
        self.assertNotIn(primary, {x["NetworkInterfaceId"] for x in
                                   self.ec2.describe_network_interfaces(Filters=f)["NetworkInterfaces"]})
        self.assertEqual([x["NetworkInterfaceId"] for x in self.ec2.describe_network_interfaces(Filters=f)["NetworkInterfaces"]], [self.e])
        res = self.ec2.describe_instances(Filters=f)["Reservations"]
        self.assertEqual([i["InstanceId"] for r in res for i in r["Instances"]], [self.i])
        self.assertEqual([a["AllocationId"] for a in self.ec2.describe_addresses(Filters=f)["Addresses"]], [self.alloc])
        self.assertEqual(self.ec2.describe_vpcs(Filters=[{"Name": "tag:env", "Values": ["nope"]}])["Vpcs"], [])

    def test_tag_wildcard_values(self):
        # EC2 filter values accept * and ? wildcards
        got = self.ec2.describe_network_interfaces(Filters=[{"Name": "tag:role", "Values": ["w*"]}])
        self.assertEqual([x["NetworkInterfaceId"] for x in got["NetworkInterfaces"]], [self.e])

    def test_create_tags_unknown_resource(self):
        with self.assertEc2Error("InvalidNetworkInterfaceID.NotFound"):
            self.ec2.create_tags(Resources=["eni-0123456789abcdef0"], Tags=[{"Key": "k", "Value": "v"}])
