#!/usr/bin/python3
"""Debian's cloud-init AliYun datasource against one Alibaba instance's metadata endpoint on the harness.

It must crawl the tree (get_data) and what it read must agree with what the ECS API's DescribeInstances says:
instance id, region, zone, hostname, every ENI's MAC and id, the primary private address. Run by clients.sh:
  cloudinit_aliyun.py --imds http://127.a.b.c:P --ecs http://127.0.0.1:P3/ --instance i-… --work DIR [--enis N]
Prints one line per check, then `cloud-init-aliyun: N passed, M failed`; exits 1 when M > 0.
"""
import argparse
import json
import logging
import os
import re
import sys
import urllib.parse
import urllib.request
from unittest import mock

from cloudinit import distros, helpers, version
from cloudinit.sources import DataSourceAliYun as ay

results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    # The same shape as the CLI walk-through's lines: scripts/test-all.sh lists lines starting "  FAIL  " again at its end.
    print(f"  {'ok  ' if ok else 'FAIL'}  {name}" + ("" if ok else f": {detail}"))


def describe_instance(ecs, instance_id):
    query = urllib.parse.urlencode({
        "Action": "DescribeInstances", "Version": "2014-05-26", "RegionId": "cn-hangzhou", "Format": "JSON",
        "InstanceIds": json.dumps([instance_id]),
    })
    with urllib.request.urlopen(f"{ecs}?{query}", timeout=10) as response:
        return json.load(response)["Instances"]["Instance"][0]


def token_expected():
    # cloud-init 23.1 added the hardened-mode PUT /latest/api/token for AliYun; 22.x (Debian 12's 22.4.2) reads
    # without a token (its EC2 parent only asks for one on AWS), so there is no token to check there.
    found = re.match(r"(\d+)\.(\d+)", version.version_string())
    if not found:
        raise ValueError(f"cannot read cloud-init's version {version.version_string()!r}")
    return (int(found[1]), int(found[2])) >= (23, 1)


def main():
    parser = argparse.ArgumentParser()
    for name in ("--imds", "--ecs", "--instance", "--work"):
        parser.add_argument(name, required=True)
    parser.add_argument("--enis", type=int, default=1, help="how many ENIs the instance has (all must show under macs)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)  # cloud-init's own warnings explain a failed crawl

    os.makedirs(args.work, exist_ok=True)
    paths = helpers.Paths({"cloud_dir": args.work, "run_dir": args.work})
    distro = distros.fetch("debian")("debian", {}, paths)
    # A 5 s budget: the endpoint is up before this runs, and a hang should fail here rather than after 120 s.
    cfg = {"datasource": {"AliYun": {"metadata_urls": [args.imds], "timeout": 5, "max_wait": 10}}}
    ds = ay.DataSourceAliYun(cfg, distro, paths)
    # The only thing faked: the DMI product name this machine does not have ("Alibaba Cloud ECS").
    with mock.patch.object(ay, "_is_aliyun", return_value=True):
        crawled = ds.get_data()
    check("get_data() crawls the metadata tree", crawled is True, f"returned {crawled!r}")
    if not crawled:
        return

    api = describe_instance(args.ecs, args.instance)
    md = ds.metadata
    check("the instance id is DescribeInstances' InstanceId", ds.get_instance_id() == api["InstanceId"],
          f"{ds.get_instance_id()!r} != {api['InstanceId']!r}")
    check("region-id is DescribeInstances' RegionId", md.get("region-id") == api["RegionId"],
          f"{md.get('region-id')!r} != {api['RegionId']!r}")
    check("zone-id is DescribeInstances' ZoneId", md.get("zone-id") == api["ZoneId"],
          f"{md.get('zone-id')!r} != {api['ZoneId']!r}")
    hostname = ds.get_hostname().hostname
    check("get_hostname() is DescribeInstances' HostName", hostname == api["HostName"], f"{hostname!r} != {api['HostName']!r}")

    enis = api["NetworkInterfaces"]["NetworkInterface"]
    macs = md.get("network", {}).get("interfaces", {}).get("macs", {})
    check(f"network.interfaces.macs holds every ENI's MAC ({args.enis})",
          sorted(macs) == sorted(e["MacAddress"] for e in enis) and len(enis) == args.enis,
          f"metadata {sorted(macs)}, API {sorted(e['MacAddress'] for e in enis)}")
    for e in enis:
        got = macs.get(e["MacAddress"], {}).get("network-interface-id")
        check(f"macs/{e['MacAddress']}/network-interface-id is {e['NetworkInterfaceId']}", got == e["NetworkInterfaceId"], repr(got))

    primary = next(e for e in enis if e["Type"] == "Primary")
    want_ip = primary["PrimaryIpAddress"]
    check("private-ipv4 is the primary ENI's PrimaryIpAddress", md.get("private-ipv4") == want_ip,
          f"{md.get('private-ipv4')!r} != {want_ip!r}")
    check("VpcAttributes agrees on the primary address", api["VpcAttributes"]["PrivateIpAddress"]["IpAddress"][0] == want_ip,
          repr(api["VpcAttributes"]["PrivateIpAddress"]))
    # cloud-init leaves the JSON array as its text (it decodes only values that start with "{").
    raw = macs.get(primary["MacAddress"], {}).get("private-ipv4s", "[]")
    listed = json.loads(raw) if isinstance(raw, str) else raw
    check("the primary MAC's private-ipv4s starts with the primary address", listed[:1] == [want_ip], repr(raw))

    if token_expected():
        check(f"cloud-init {version.version_string()} got a metadata token (PUT /latest/api/token)",
              bool(getattr(ds, "_api_token", None)), "no token was fetched")
    else:
        print(f"  note  cloud-init {version.version_string()} (< 23.1) sends no token PUT: nothing to check there")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a crash is a failure with its reason, not a missing summary
        check("the test ran to the end", False, f"{type(error).__name__}: {error}")
    print(f"cloud-init-aliyun: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)
