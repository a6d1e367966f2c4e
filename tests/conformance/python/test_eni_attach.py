"""Attach/DetachNetworkInterface and Describe/Modify/ResetNetworkInterfaceAttribute."""
from botocore.exceptions import ClientError

from base import HarnessTestCase


class AttachDetachTest(HarnessTestCase):
    """Attach returns eni-attach-* ids; device 0 is fixed; in-use ENIs can't be deleted; type limits."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net()
        self.iid = self.instance(self.s, "t3.micro")["InstanceId"]  # t3.micro: 2 ENIs x 2 IPv4
        self.wait_state(self.iid, "running")

    def test_attach_and_detach(self):
        eni = self.eni(self.s)["NetworkInterfaceId"]
        r = self.ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=self.iid, DeviceIndex=1)
        self.assertId("eni-attach", r["AttachmentId"])
        self.assertEqual(r.get("NetworkCardIndex", 0), 0)
        d = self.describe_eni(eni)
        self.assertEqual(d["Status"], "in-use")
        att = d["Attachment"]
        self.assertEqual((att["AttachmentId"], att["InstanceId"], att["DeviceIndex"]), (r["AttachmentId"], self.iid, 1))
        self.assertIn(att["Status"], ("attaching", "attached"))
        self.assertFalse(att["DeleteOnTermination"])  # attached later -> false by default
        inst_enis = {n["NetworkInterfaceId"] for n in self.describe_instance(self.iid)["NetworkInterfaces"]}
        self.assertIn(eni, inst_enis)

        self.ec2.detach_network_interface(AttachmentId=r["AttachmentId"])
        self.eventually(lambda: self.describe_eni(eni)["Status"] == "available", msg="detached ENI available")
        self.assertNotIn("Attachment", self.describe_eni(eni))
        self.ec2.delete_network_interface(NetworkInterfaceId=eni)

    def test_attach_with_network_card_index(self):
        eni = self.eni(self.s)["NetworkInterfaceId"]
        r = self.ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=self.iid, DeviceIndex=1,
                                              NetworkCardIndex=0)
        self.assertEqual(r["NetworkCardIndex"], 0)
        self.assertEqual(self.describe_eni(eni)["Attachment"].get("NetworkCardIndex", 0), 0)

    def test_force_detach(self):
        eni = self.eni(self.s)["NetworkInterfaceId"]
        att = self.ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=self.iid, DeviceIndex=1)["AttachmentId"]
        self.ec2.detach_network_interface(AttachmentId=att, Force=True)
        self.eventually(lambda: self.describe_eni(eni)["Status"] == "available", msg="force-detached")

    def test_primary_cannot_be_detached(self):
        p = self.primary_eni(self.iid)
        self.assertTrue(p["Attachment"]["DeleteOnTermination"])
        with self.assertEc2Error("OperationNotPermitted"):
            self.ec2.detach_network_interface(AttachmentId=p["Attachment"]["AttachmentId"])
        with self.assertEc2Error("OperationNotPermitted"):
            self.ec2.detach_network_interface(AttachmentId=p["Attachment"]["AttachmentId"], Force=True)
        self.assertEqual(self.describe_eni(p["NetworkInterfaceId"])["Status"], "in-use")

    def assertDeleteRefusedInUse(self, eni):
        # EC2 API error-codes page: InvalidNetworkInterface.InUse "... If a network interface is in
        # use, you may also receive the InvalidParameterValue error." Real DeleteNetworkInterface on an
        # attached ENI answers "InvalidParameterValue: Network interface 'eni-..' is currently in use."
        # (gruntwork-io/cloud-nuke #431, #1132) - both codes are real EC2 behaviour.
        with self.assertRaises(ClientError) as cm:
            self.ec2.delete_network_interface(NetworkInterfaceId=eni)
        err = cm.exception.response["Error"]
        self.assertIn(err["Code"], ("InvalidNetworkInterface.InUse", "InvalidParameterValue"))
        self.assertIn("in use", err["Message"])
        self.assertEqual(self.describe_eni(eni)["Status"], "in-use")

    def test_attached_eni_cannot_be_deleted(self):
        self.assertDeleteRefusedInUse(self.primary_eni(self.iid)["NetworkInterfaceId"])
        eni = self.eni(self.s)["NetworkInterfaceId"]
        self.ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=self.iid, DeviceIndex=1)
        self.assertDeleteRefusedInUse(eni)

    def test_attachment_limit(self):
        a, b = self.eni(self.s)["NetworkInterfaceId"], self.eni(self.s)["NetworkInterfaceId"]
        self.ec2.attach_network_interface(NetworkInterfaceId=a, InstanceId=self.iid, DeviceIndex=1)
        with self.assertEc2Error("AttachmentLimitExceeded"):
            self.ec2.attach_network_interface(NetworkInterfaceId=b, InstanceId=self.iid, DeviceIndex=2)
        self.assertEqual(self.describe_eni(b)["Status"], "available")

    def test_attachment_limit_larger_type(self):
        big = self.instance(self.s, "m5.xlarge")["InstanceId"]  # 4 ENIs
        self.wait_state(big, "running")
        enis = [self.eni(self.s)["NetworkInterfaceId"] for _ in range(4)]
        for i, e in enumerate(enis[:3], start=1):
            self.ec2.attach_network_interface(NetworkInterfaceId=e, InstanceId=big, DeviceIndex=i)
        with self.assertEc2Error("AttachmentLimitExceeded"):
            self.ec2.attach_network_interface(NetworkInterfaceId=enis[3], InstanceId=big, DeviceIndex=4)

    def test_device_index_in_use(self):
        # "InvalidParameterValue: Instance 'i-..' already has an interface attached at device index '1'."
        # (lstoll/k8s-vpcnet #71, cilium/cilium #42512, terraform-provider-aws #906)
        big = self.instance(self.s, "m5.large")["InstanceId"]
        self.wait_state(big, "running")
        a, b = self.eni(self.s)["NetworkInterfaceId"], self.eni(self.s)["NetworkInterfaceId"]
        self.ec2.attach_network_interface(NetworkInterfaceId=a, InstanceId=big, DeviceIndex=1)
        with self.assertEc2Error("InvalidParameterValue") as cm:
            self.ec2.attach_network_interface(NetworkInterfaceId=b, InstanceId=big, DeviceIndex=1)
        self.assertIn("device index", cm.exception.response["Error"]["Message"])
        with self.assertEc2Error("InvalidParameterValue"):
            self.ec2.attach_network_interface(NetworkInterfaceId=b, InstanceId=big, DeviceIndex=0)
        self.assertEqual(self.describe_eni(b)["Status"], "available")

    def test_attach_already_attached_eni(self):
        other = self.instance(self.s, "t3.micro")["InstanceId"]
        self.wait_state(other, "running")
        eni = self.eni(self.s)["NetworkInterfaceId"]
        self.ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=self.iid, DeviceIndex=1)
        with self.assertEc2Error("InvalidNetworkInterface.InUse"):
            self.ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=other, DeviceIndex=1)

    def test_unknown_ids(self):
        eni = self.eni(self.s)["NetworkInterfaceId"]
        with self.assertEc2Error("InvalidInstanceID.NotFound"):
            self.ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId="i-0123456789abcdef0", DeviceIndex=1)
        with self.assertEc2Error("InvalidNetworkInterfaceID.NotFound"):
            self.ec2.attach_network_interface(NetworkInterfaceId="eni-0123456789abcdef0", InstanceId=self.iid, DeviceIndex=1)
        with self.assertEc2Error("InvalidAttachmentID.NotFound"):
            self.ec2.detach_network_interface(AttachmentId="eni-attach-0123456789abcdef0")
        with self.assertEc2Error("InvalidNetworkInterfaceAttachmentId.Malformed"):
            self.ec2.detach_network_interface(AttachmentId="bogus")


class NetworkInterfaceAttributeTest(HarnessTestCase):
    """description / groupSet / sourceDestCheck / attachment attributes: describe, modify, reset."""

    def setUp(self):
        super().setUp()
        self.v, self.s = self.net()
        self.e = self.eni(self.s, Description="first")["NetworkInterfaceId"]

    def attr(self, name):
        return self.ec2.describe_network_interface_attribute(NetworkInterfaceId=self.e, Attribute=name)

    def test_description(self):
        r = self.attr("description")
        self.assertEqual(r["NetworkInterfaceId"], self.e)
        self.assertEqual(r["Description"]["Value"], "first")
        self.ec2.modify_network_interface_attribute(NetworkInterfaceId=self.e, Description={"Value": "second"})
        self.assertEqual(self.attr("description")["Description"]["Value"], "second")
        self.assertEqual(self.describe_eni(self.e)["Description"], "second")

    def test_group_set(self):
        g1 = self.ec2.create_security_group(GroupName="a", Description="d", VpcId=self.v)["GroupId"]
        g2 = self.ec2.create_security_group(GroupName="b", Description="d", VpcId=self.v)["GroupId"]
        self.ec2.modify_network_interface_attribute(NetworkInterfaceId=self.e, Groups=[g1, g2])
        self.assertEqual({g["GroupId"] for g in self.attr("groupSet")["Groups"]}, {g1, g2})
        self.assertEqual({g["GroupId"] for g in self.describe_eni(self.e)["Groups"]}, {g1, g2})
        with self.assertEc2Error("InvalidGroup.NotFound"):
            self.ec2.modify_network_interface_attribute(NetworkInterfaceId=self.e, Groups=["sg-0123456789abcdef0"])

    def test_source_dest_check_modify_and_reset(self):
        self.assertTrue(self.attr("sourceDestCheck")["SourceDestCheck"]["Value"])
        self.ec2.modify_network_interface_attribute(NetworkInterfaceId=self.e, SourceDestCheck={"Value": False})
        self.assertFalse(self.attr("sourceDestCheck")["SourceDestCheck"]["Value"])
        self.assertFalse(self.describe_eni(self.e)["SourceDestCheck"])
        self.ec2.reset_network_interface_attribute(NetworkInterfaceId=self.e, SourceDestCheck="sourceDestCheck")
        self.assertTrue(self.attr("sourceDestCheck")["SourceDestCheck"]["Value"])

    def test_attachment_delete_on_termination(self):
        iid = self.instance(self.s)["InstanceId"]
        self.wait_state(iid, "running")
        att = self.ec2.attach_network_interface(NetworkInterfaceId=self.e, InstanceId=iid, DeviceIndex=1)["AttachmentId"]
        a = self.attr("attachment")["Attachment"]
        self.assertEqual((a["AttachmentId"], a["InstanceId"], a["DeviceIndex"]), (att, iid, 1))
        self.assertFalse(a["DeleteOnTermination"])
        self.ec2.modify_network_interface_attribute(
            NetworkInterfaceId=self.e, Attachment={"AttachmentId": att, "DeleteOnTermination": True})
        self.assertTrue(self.attr("attachment")["Attachment"]["DeleteOnTermination"])
        self.assertTrue(self.describe_eni(self.e)["Attachment"]["DeleteOnTermination"])

    def test_unknown_eni(self):
        with self.assertEc2Error("InvalidNetworkInterfaceID.NotFound"):
            self.ec2.describe_network_interface_attribute(NetworkInterfaceId="eni-0123456789abcdef0",
                                                          Attribute="description")
        with self.assertEc2Error("InvalidNetworkInterfaceID.NotFound"):
            self.ec2.modify_network_interface_attribute(NetworkInterfaceId="eni-0123456789abcdef0",
                                                        Description={"Value": "x"})
