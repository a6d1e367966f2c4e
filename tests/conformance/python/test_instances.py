"""RunInstances / DescribeInstances / Stop / Start / Terminate / metadata options / instance types."""
from base import AMI, HarnessTestCase, tags_of


class RunInstancesTest(HarnessTestCase):
    """RunInstances in a subnet: ids, primary ENI, addresses, groups, NetworkInterfaces, idempotency."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net()

    def test_basic(self):
        r = self.ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=self.s)
        self.assertId("r", r["ReservationId"])
        [i] = r["Instances"]
        self.assertId("i", i["InstanceId"])
        self.assertEqual((i["ImageId"], i["InstanceType"], i["SubnetId"], i["VpcId"]), (AMI, "t3.micro", self.s, self.v))
        self.assertEqual(i["State"], {"Code": 0, "Name": "pending"})
        self.assertEqual(i["Placement"]["AvailabilityZone"], "us-east-1a")
        [n] = i["NetworkInterfaces"]
        self.assertId("eni", n["NetworkInterfaceId"])
        self.assertEqual(n["PrivateIpAddress"], i["PrivateIpAddress"])
        self.assertEqual(n["Attachment"]["DeviceIndex"], 0)
        self.assertTrue(n["Attachment"]["DeleteOnTermination"])
        self.wait_state(i["InstanceId"], "running")
        self.assertEqual(self.describe_instance(i["InstanceId"])["State"]["Code"], 16)
        eni = self.describe_eni(n["NetworkInterfaceId"])
        self.assertEqual((eni["Status"], eni["Attachment"]["InstanceId"]), ("in-use", i["InstanceId"]))

    def test_no_subnet_no_default_vpc(self):
        with self.assertEc2Error("VPCIdNotSpecified"):
            self.ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1)

    def test_private_ip_and_groups_and_tags(self):
        g = self.ec2.create_security_group(GroupName="g", Description="d", VpcId=self.v)["GroupId"]
        i = self.instance(self.s, PrivateIpAddress="10.0.1.77", SecurityGroupIds=[g],
                          TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}])
        self.assertEqual(i["PrivateIpAddress"], "10.0.1.77")
        self.assertEqual([x["GroupId"] for x in i["SecurityGroups"]], [g])
        d = self.describe_instance(i["InstanceId"])
        self.assertEqual(tags_of(d), {"Name": "web"})
        self.assertEqual([x["GroupId"] for x in self.describe_eni(d["NetworkInterfaces"][0]["NetworkInterfaceId"])["Groups"]], [g])

    def test_private_ip_in_use(self):
        self.eni(self.s, PrivateIpAddress="10.0.1.77")
        with self.assertEc2Error("InvalidIPAddress.InUse"):
            self.instance(self.s, PrivateIpAddress="10.0.1.77")

    def test_network_interfaces_list(self):
        existing = self.eni(self.s)["NetworkInterfaceId"]
        r = self.ec2.run_instances(ImageId=AMI, InstanceType="m5.large", MinCount=1, MaxCount=1, NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": self.s, "PrivateIpAddress": "10.0.1.90", "SecondaryPrivateIpAddressCount": 2},
            {"DeviceIndex": 1, "NetworkInterfaceId": existing}])
        i = r["Instances"][0]
        by_index = {n["Attachment"]["DeviceIndex"]: n for n in self.describe_instance(i["InstanceId"])["NetworkInterfaces"]}
        self.assertEqual(set(by_index), {0, 1})
        self.assertEqual(by_index[0]["PrivateIpAddress"], "10.0.1.90")
        self.assertEqual(len(by_index[0]["PrivateIpAddresses"]), 3)
        self.assertEqual(by_index[1]["NetworkInterfaceId"], existing)
        self.assertEqual(self.describe_eni(existing)["Status"], "in-use")

    def test_min_max_count(self):
        r = self.ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=3, MaxCount=3, SubnetId=self.s)
        ids = [i["InstanceId"] for i in r["Instances"]]
        self.assertEqual(len(set(ids)), 3)
        self.assertEqual(sorted(i["AmiLaunchIndex"] for i in r["Instances"]), [0, 1, 2])
        self.assertEqual(len({i["PrivateIpAddress"] for i in r["Instances"]}), 3)
        res = self.ec2.describe_instances(InstanceIds=ids)["Reservations"]
        self.assertEqual({x["ReservationId"] for x in res}, {r["ReservationId"]})

    def test_client_token(self):
        kw = dict(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=self.s, ClientToken="run-1")
        a = self.ec2.run_instances(**kw)
        b = self.ec2.run_instances(**kw)
        self.assertEqual(a["Instances"][0]["InstanceId"], b["Instances"][0]["InstanceId"])
        self.assertEqual(a["ReservationId"], b["ReservationId"])
        ids = [i["InstanceId"] for r in self.ec2.describe_instances()["Reservations"] for i in r["Instances"]]
        self.assertEqual(len(ids), 1)
        with self.assertEc2Error("IdempotentParameterMismatch"):
            self.ec2.run_instances(**{**kw, "InstanceType": "m5.large"})

    def test_metadata_options(self):
        i = self.instance(self.s, MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 2,
                                                   "HttpEndpoint": "enabled"})
        self.assertEqual(i["MetadataOptions"]["State"], "pending")  # RunInstances answers before they apply
        m = self.describe_instance(i["InstanceId"])["MetadataOptions"]
        self.assertEqual((m["HttpTokens"], m["HttpPutResponseHopLimit"], m["HttpEndpoint"]), ("required", 2, "enabled"))
        self.assertEqual(m["State"], "applied")

    def test_bad_parameters(self):
        with self.assertEc2Error("InvalidSubnetID.NotFound"):
            self.instance("subnet-0123456789abcdef0")
        with self.assertEc2Error("InvalidParameterValue"):
            self.instance(self.s, itype="t3.gigantic")
        with self.assertEc2Error("InvalidGroup.NotFound"):
            self.instance(self.s, SecurityGroupIds=["sg-0123456789abcdef0"])


class DescribeInstancesTest(HarnessTestCase):
    """DescribeInstances filters and MaxResults/NextToken pagination."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net()
        self.s2 = self.subnet(self.v, "10.0.2.0/24", "us-east-1b")
        self.a = self.instance(self.s, PrivateIpAddress="10.0.1.11")
        self.ec2.create_tags(Resources=[self.a["InstanceId"]], Tags=[{"Key": "app", "Value": "a"}])
        self.b = self.instance(self.s2, PrivateIpAddress="10.0.2.11")

    def find(self, name, *values):
        res = self.ec2.describe_instances(Filters=[{"Name": name, "Values": list(values)}])["Reservations"]
        return {i["InstanceId"] for r in res for i in r["Instances"]}

    def test_filters(self):
        a, b = self.a["InstanceId"], self.b["InstanceId"]
        self.wait_state(a, "running")
        self.wait_state(b, "running")
        self.assertEqual(self.find("instance-id", a), {a})
        self.assertEqual(self.find("subnet-id", self.s2), {b})
        self.assertEqual(self.find("vpc-id", self.v), {a, b})
        self.assertEqual(self.find("private-ip-address", "10.0.1.11"), {a})
        eni_b = self.b["NetworkInterfaces"][0]["NetworkInterfaceId"]
        self.assertEqual(self.find("network-interface.network-interface-id", eni_b), {b})
        self.assertEqual(self.find("tag:app", "a"), {a})
        self.assertEqual(self.find("instance-state-name", "running"), {a, b})
        self.ec2.stop_instances(InstanceIds=[b])
        self.wait_state(b, "stopped")
        self.assertEqual(self.find("instance-state-name", "stopped"), {b})
        self.assertEqual(self.find("instance-state-name", "running"), {a})

    def test_unknown_and_malformed(self):
        with self.assertEc2Error("InvalidInstanceID.NotFound"):
            self.ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
        with self.assertEc2Error("InvalidInstanceID.Malformed"):
            self.ec2.describe_instances(InstanceIds=["bogus"])

    def test_pagination(self):
        r = self.ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=9, MaxCount=9, SubnetId=self.s)
        want = {i["InstanceId"] for i in r["Instances"]} | {self.a["InstanceId"], self.b["InstanceId"]}
        pages = list(self.ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
        ids = [i["InstanceId"] for p in pages for res in p["Reservations"] for i in res["Instances"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(set(ids), want)
        self.assertGreaterEqual(len(pages), 2)
        with self.assertEc2Error("InvalidParameterCombination"):
            self.ec2.describe_instances(InstanceIds=[self.a["InstanceId"]], MaxResults=5)


class LifecycleTest(HarnessTestCase):
    """Stop/Start/Terminate state transitions and what terminate cleans up."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net()
        self.i = self.instance(self.s)
        self.iid = self.i["InstanceId"]
        self.wait_state(self.iid, "running")

    def test_stop_start(self):
        [c] = self.ec2.stop_instances(InstanceIds=[self.iid])["StoppingInstances"]
        self.assertEqual((c["InstanceId"], c["PreviousState"]["Name"]), (self.iid, "running"))
        self.assertIn(c["CurrentState"]["Name"], ("stopping", "stopped"))
        self.wait_state(self.iid, "stopped")
        [c] = self.ec2.start_instances(InstanceIds=[self.iid])["StartingInstances"]
        self.assertEqual(c["PreviousState"]["Name"], "stopped")
        self.assertIn(c["CurrentState"]["Name"], ("pending", "running"))
        self.wait_state(self.iid, "running")

    def test_terminate(self):
        primary = self.i["NetworkInterfaces"][0]["NetworkInterfaceId"]
        extra = self.eni(self.s)["NetworkInterfaceId"]
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=primary, SecondaryPrivateIpAddressCount=1)
        self.assertEqual(self.subnet_free(self.s), 251 - 3)
        self.ec2.attach_network_interface(NetworkInterfaceId=extra, InstanceId=self.iid, DeviceIndex=1)
        [c] = self.ec2.terminate_instances(InstanceIds=[self.iid])["TerminatingInstances"]
        self.assertEqual(c["PreviousState"]["Name"], "running")
        self.assertIn(c["CurrentState"]["Name"], ("shutting-down", "terminated"))
        self.wait_state(self.iid, "terminated")
        remaining = {n["NetworkInterfaceId"] for n in self.ec2.describe_network_interfaces()["NetworkInterfaces"]}
        self.assertNotIn(primary, remaining)  # DeleteOnTermination=true
        self.assertIn(extra, remaining)  # attached later: DeleteOnTermination=false
        self.eventually(lambda: self.describe_eni(extra)["Status"] == "available", msg="extra ENI detached")
        self.assertEqual(self.subnet_free(self.s), 251 - 1)  # primary ENI's two addresses are free again

    def test_terminated_cannot_start(self):
        self.ec2.terminate_instances(InstanceIds=[self.iid])
        self.wait_state(self.iid, "terminated")
        with self.assertEc2Error("IncorrectInstanceState"):
            self.ec2.start_instances(InstanceIds=[self.iid])

    def test_modify_metadata_options(self):
        r = self.ec2.modify_instance_metadata_options(InstanceId=self.iid, HttpTokens="required",
                                                      HttpPutResponseHopLimit=3)
        self.assertEqual(r["InstanceId"], self.iid)
        self.assertEqual(r["InstanceMetadataOptions"]["HttpTokens"], "required")
        m = self.describe_instance(self.iid)["MetadataOptions"]
        self.assertEqual((m["HttpTokens"], m["HttpPutResponseHopLimit"]), ("required", 3))


class InstanceTypesTest(HarnessTestCase):
    """DescribeInstanceTypes NetworkInfo: max ENIs and IPv4 addresses per ENI."""

    def test_network_info(self):
        want = {"t3.micro": (2, 2), "m5.large": (3, 10), "c5.large": (3, 10), "t3.large": (3, 12), "m5.xlarge": (4, 15)}
        got = self.ec2.describe_instance_types(InstanceTypes=list(want))["InstanceTypes"]
        self.assertEqual({t["InstanceType"] for t in got}, set(want))
        for t in got:
            ni = t["NetworkInfo"]
            self.assertEqual((ni["MaximumNetworkInterfaces"], ni["Ipv4AddressesPerInterface"]), want[t["InstanceType"]])

    def test_unknown_type(self):
        with self.assertEc2Error("InvalidInstanceType"):
            self.ec2.describe_instance_types(InstanceTypes=["t3.gigantic"])
