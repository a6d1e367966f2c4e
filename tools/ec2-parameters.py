#!/usr/bin/env python3
"""Writes src/Harness.Ec2/Protocol/ec2-parameters.txt: every wire parameter of the actions the harness serves,
from the botocore EC2 model installed with python3. List indexes are written as N. The facade answers
UnknownParameter for anything not listed here, the way EC2 does.

usage: python3 tools/ec2-parameters.py > src/Harness.Ec2/Protocol/ec2-parameters.txt
"""
import botocore.session

ACTIONS = """
CreateVpc DescribeVpcs DeleteVpc CreateSubnet DescribeSubnets DeleteSubnet
CreateSecurityGroup DescribeSecurityGroups DeleteSecurityGroup DescribeAvailabilityZones DescribeRegions
CreateNetworkInterface DescribeNetworkInterfaces DeleteNetworkInterface AttachNetworkInterface DetachNetworkInterface
DescribeNetworkInterfaceAttribute ModifyNetworkInterfaceAttribute ResetNetworkInterfaceAttribute
AssignPrivateIpAddresses UnassignPrivateIpAddresses
AllocateAddress AssociateAddress DisassociateAddress ReleaseAddress DescribeAddresses
RunInstances DescribeInstances StopInstances StartInstances TerminateInstances ModifyInstanceMetadataOptions
DescribeInstanceTypes CreateTags DeleteTags DescribeTags
""".split()


def wire(member, name):
    ser = member.serialization
    if "queryName" in ser:
        return ser["queryName"]
    if "name" in ser:
        return ser["name"][0].upper() + ser["name"][1:]
    return name


def walk(shape, prefix, stack):
    for name, member in shape.members.items():
        path = prefix + wire(member, name)
        if member.type_name == "list":
            path += ".N"
            yield path
            inner = member.member
            if inner.type_name == "structure" and inner.name not in stack:
                yield from walk(inner, path + ".", stack | {inner.name})
        elif member.type_name == "structure":
            if member.name not in stack:
                yield from walk(member, path + ".", stack | {member.name})
        else:
            yield path


model = botocore.session.get_session().get_service_model("ec2")
for action in ACTIONS:
    shape = model.operation_model(action).input_shape
    names = sorted(set(walk(shape, "", frozenset()))) if shape else []
    print(action + " " + " ".join(names))
