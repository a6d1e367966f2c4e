"""A request EC2 refuses changes nothing; a retry with the same ClientToken gets the first answer.

Each test here pins a case where a partial change or a fresh re-validation would be visible to a client.
"""
from base import AMI, HarnessTestCase


class RunInstancesAtomicityTest(HarnessTestCase):
    """RunInstances launches between MinCount and MaxCount instances, or nothing at all."""

    def counts(self, subnet):
        enis = len(self.ec2.describe_network_interfaces()["NetworkInterfaces"])
        instances = sum(len(r["Instances"]) for r in self.ec2.describe_instances()["Reservations"])
        return enis, instances, self.subnet_free(subnet)

    def test_in_use_address_on_second_interface_leaves_nothing(self):
        _, s = self.net()
        self.eni(s, PrivateIpAddress="10.0.1.50")
        before = self.counts(s)
        with self.assertEc2Error("InvalidIPAddress.InUse"):
            self.ec2.run_instances(ImageId=AMI, InstanceType="m5.large", MinCount=1, MaxCount=1, NetworkInterfaces=[
                {"DeviceIndex": 0, "SubnetId": s}, {"DeviceIndex": 1, "SubnetId": s, "PrivateIpAddress": "10.0.1.50"}])
        self.assertEqual(self.counts(s), before)

    def test_fewer_than_min_count_launches_nothing(self):
        _, s = self.net("10.0.1.0/26")
        before = self.counts(s)
        # Room for three primaries, but only two /28s are free (the first holds the reserved addresses,
        # the last the broadcast address): the third prefix cannot be had, so none of the three launches.
        with self.assertEc2Error("InsufficientCidrBlocks"):
            self.ec2.run_instances(ImageId=AMI, InstanceType="m5.large", MinCount=3, MaxCount=3, NetworkInterfaces=[
                {"DeviceIndex": 0, "SubnetId": s, "Ipv4PrefixCount": 1}])
        self.assertEqual(self.counts(s), before)

    def test_primary_on_card_zero_and_device_zero_on_card_one(self):
        _, s = self.net()
        r = self.ec2.run_instances(ImageId=AMI, InstanceType="c6in.32xlarge", MinCount=1, MaxCount=1, NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": s, "NetworkCardIndex": 0},
            {"DeviceIndex": 0, "SubnetId": s, "NetworkCardIndex": 1}])
        nics = r["Instances"][0]["NetworkInterfaces"]
        self.assertEqual(sorted((n["Attachment"]["NetworkCardIndex"], n["Attachment"]["DeviceIndex"]) for n in nics),
                         [(0, 0), (1, 0)])
        primary = next(n for n in nics if n["Attachment"]["NetworkCardIndex"] == 0)
        self.assertEqual(r["Instances"][0]["PrivateIpAddress"], primary["PrivateIpAddress"])

    def test_huge_count_is_a_limit_error(self):
        _, s = self.net()
        e = self.eni(s)["NetworkInterfaceId"]
        with self.assertEc2Error("PrivateIpAddressLimitExceeded"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=e, SecondaryPrivateIpAddressCount=2147483647)
        with self.assertEc2Error("PrivateIpAddressLimitExceeded"):
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=e, Ipv4PrefixCount=2147483647)
        self.assertEqual(len(self.describe_eni(e)["PrivateIpAddresses"]), 1)


class ClientTokenTest(HarnessTestCase):
    """A retry with the same token returns the first result without validating again."""

    def test_retry_with_an_interface_the_first_call_attached(self):
        _, s = self.net()
        e = self.eni(s)["NetworkInterfaceId"]
        kw = dict(ImageId=AMI, InstanceType="m5.large", MinCount=1, MaxCount=1, ClientToken="retry-1",
                  NetworkInterfaces=[{"DeviceIndex": 0, "NetworkInterfaceId": e}])
        first = self.ec2.run_instances(**kw)["Instances"][0]["InstanceId"]
        again = self.ec2.run_instances(**kw)["Instances"][0]["InstanceId"]
        self.assertEqual(first, again)
        self.assertEqual(sum(len(r["Instances"]) for r in self.ec2.describe_instances()["Reservations"]), 1)

    def test_retry_after_the_instance_was_terminated(self):
        _, s = self.net()
        kw = dict(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=s, ClientToken="retry-2")
        iid = self.ec2.run_instances(**kw)["Instances"][0]["InstanceId"]
        self.ec2.terminate_instances(InstanceIds=[iid])
        with self.assertEc2Error("IdempotentInstanceTerminated"):
            self.ec2.run_instances(**kw)


class MultiResourceTest(HarnessTestCase):
    """Actions over several resources check them all before changing any."""

    def test_stop_running_and_terminated_changes_neither(self):
        _, s = self.net()
        running = self.instance(s)["InstanceId"]
        gone = self.instance(s)["InstanceId"]
        self.ec2.terminate_instances(InstanceIds=[gone])
        with self.assertEc2Error("IncorrectInstanceState"):
            self.ec2.stop_instances(InstanceIds=[running, gone])
        self.assertEqual(self.describe_instance(running)["State"]["Name"], "running")

    def test_unknown_instances_are_all_named(self):
        a, b = "i-0000000000000000a", "i-0000000000000000b"
        with self.assertEc2Error("InvalidInstanceID.NotFound") as cm:
            self.ec2.terminate_instances(InstanceIds=[a, b])
        self.assertIn(a, cm.exception.response["Error"]["Message"])
        self.assertIn(b, cm.exception.response["Error"]["Message"])

    def test_tag_limit_on_one_resource_tags_none(self):
        _, s = self.net()
        e1, e2 = self.eni(s)["NetworkInterfaceId"], self.eni(s)["NetworkInterfaceId"]
        self.ec2.create_tags(Resources=[e2], Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
        with self.assertEc2Error("TagLimitExceeded"):
            self.ec2.create_tags(Resources=[e1, e2], Tags=[{"Key": "new", "Value": "v"}])
        self.assertEqual(self.describe_eni(e1).get("TagSet", []), [])
