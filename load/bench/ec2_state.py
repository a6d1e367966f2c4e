#!/usr/bin/env python3
"""What an EC2 endpoint's state really is, for load/bench/churn.sh (the harness or moto, on 127.0.0.1).

  ec2_state.py probe URL       moves one address between two interfaces with and without AllowReassignment,
                               and unassigns what is not there; prints each call's answer and who holds the address
  ec2_state.py holders URL     every interface's secondary addresses: how many are held by two or more interfaces
                               (EC2 never allows that), as JSON

Plain Query protocol with the dummy SigV4 header the load tool sends (neither server checks signatures).
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

HEADERS = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/ec2/aws4_request, "
                     "SignedHeaders=host;x-amz-date, Signature=0000",
    "X-Amz-Date": "20261204T000000Z",
    "Content-Type": "application/x-www-form-urlencoded",
}


def call(url, action, **params):
    body = urllib.parse.urlencode({"Action": action, "Version": "2016-11-15", **params}).encode()
    request = urllib.request.Request(url, data=body, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            status, text = reply.status, reply.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    root = ET.fromstring(text)
    code = next((e.text for e in root.iter() if local(e) == "Code"), None)
    return status, code, root


def local(element):
    return element.tag.rsplit("}", 1)[-1]


def child(element, name):
    return next((c.text for c in element if local(c) == name), None)


def secondaries(url, eni_ids=None):
    """{interface id: [secondary addresses]} for the given interfaces, or all of them (following NextToken)."""
    held, token = {}, None
    while True:
        params = {f"NetworkInterfaceId.{i + 1}": e for i, e in enumerate(eni_ids or [])}
        if token:
            params["NextToken"] = token
        status, code, root = call(url, "DescribeNetworkInterfaces", **params)
        if code:
            raise SystemExit(f"DescribeNetworkInterfaces answered {status} {code}")
        for item in (i for s in root.iter() if local(s) == "networkInterfaceSet" for i in s):
            addresses = [child(a, "privateIpAddress") for s in item if local(s) == "privateIpAddressesSet" for a in s
                         if child(a, "primary") != "true"]
            held[child(item, "networkInterfaceId")] = addresses
        token = next((e.text for e in root if local(e) == "nextToken" and e.text), None)
        if not token:
            return held


def probe(url):
    _, _, vpc = call(url, "CreateVpc", CidrBlock="10.250.0.0/16")
    vpc_id = next(e.text for e in vpc.iter() if local(e) == "vpcId")
    _, _, subnet = call(url, "CreateSubnet", VpcId=vpc_id, CidrBlock="10.250.0.0/24")
    subnet_id = next(e.text for e in subnet.iter() if local(e) == "subnetId")
    a, b = (next(e.text for e in call(url, "CreateNetworkInterface", SubnetId=subnet_id)[2].iter()
                 if local(e) == "networkInterfaceId") for _ in range(2))
    ip, steps = "10.250.0.77", []
    for label, action, eni, extra in [
        ("assign X to A", "AssignPrivateIpAddresses", a, {}),
        ("assign X to B, no AllowReassignment", "AssignPrivateIpAddresses", b, {}),
        ("assign X to B, AllowReassignment=true", "AssignPrivateIpAddresses", b, {"AllowReassignment": "true"}),
        ("unassign X from A", "UnassignPrivateIpAddresses", a, {}),
        ("unassign never-assigned Y from A", "UnassignPrivateIpAddresses", a, {"PrivateIpAddress.1": "10.250.0.99"}),
    ]:
        status, code, _ = call(url, action, NetworkInterfaceId=eni, **{"PrivateIpAddress.1": ip, **extra})
        held = secondaries(url, [a, b])
        holders = [name for name, eni_id in (("A", a), ("B", b)) if ip in held[eni_id]]
        steps.append({"step": label, "status": status, "code": code, "xOn": holders})
    return steps


def holders(url):
    held = secondaries(url)
    owners = {}
    for eni, addresses in held.items():
        for address in set(addresses):
            owners.setdefault(address, []).append(eni)
    shared = {address: enis for address, enis in owners.items() if len(enis) > 1}
    return {"interfaces": len(held), "addresses": len(owners), "shared": len(shared),
            "example": next(({"address": k, "interfaces": v} for k, v in shared.items()), None)}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("probe", "holders"):
        raise SystemExit(__doc__)
    print(json.dumps(probe(sys.argv[2]) if sys.argv[1] == "probe" else holders(sys.argv[2]), indent=2))
