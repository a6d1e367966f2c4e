"""Time from kill -9 of a cluster process to every interface answering again (used by cluster.sh).

Creates a VPC, a subnet and INTERFACES network interfaces through the processes in turn (boto3, retries off), kills
the process whose silo holds the most of the harness's grains (its process group, with SIGKILL), then through the
survivors writes to every interface (ModifyNetworkInterfaceAttribute, which goes to the interface's own grain) until
each answers, and prints one JSON line: how many grains the victim held, when each interface answered after the kill,
and how many calls failed meanwhile (5xx). Needs the processes started with --state: in memory, a dead process's
interfaces never answer again.

  python3 cluster_kill.py --urls http://127.0.0.1:1/,http://127.0.0.1:2/,... --pgids 11,12,13 [--interfaces 60]
"""
import argparse
import concurrent.futures
import json
import os
import signal
import sys
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError


def client(url):
    return boto3.client("ec2", region_name="us-east-1", endpoint_url=url, aws_access_key_id="AKIDEXAMPLE",
                        aws_secret_access_key="secret",
                        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=20))


def report(url):
    with urllib.request.urlopen(url.rstrip("/") + "/_harness/cluster", timeout=10) as r:
        return json.load(r)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", required=True)
    parser.add_argument("--pgids", required=True)
    parser.add_argument("--interfaces", type=int, default=60)
    args = parser.parse_args()
    urls = [u.rstrip("/") for u in args.urls.split(",")]
    pgids = [int(p) for p in args.pgids.split(",")]
    clients = [client(u) for u in urls]

    vpc = clients[0].create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnet = clients[0].create_subnet(VpcId=vpc, CidrBlock="10.30.0.0/20")["Subnet"]["SubnetId"]
    enis = [clients[i % len(clients)].create_network_interface(SubnetId=subnet, SecondaryPrivateIpAddressCount=1)
            ["NetworkInterface"]["NetworkInterfaceId"] for i in range(args.interfaces)]

    grains = {s["ec2Endpoint"]: s.get("grains") or 0 for s in report(urls[0])["silos"] if s["status"] == "active"}
    held = [grains.get(u, 0) for u in urls]
    victim = held.index(max(held))
    survivors = [c for i, c in enumerate(clients) if i != victim]

    killed = time.monotonic()
    os.killpg(pgids[victim], signal.SIGKILL)
    failures = [0]

    def answered(i):
        eni = enis[i]
        via = survivors[i % len(survivors)]
        while time.monotonic() - killed < 60:
            try:
                via.modify_network_interface_attribute(NetworkInterfaceId=eni, Description={"Value": "after"})
                return time.monotonic() - killed
            except ClientError as e:
                if e.response["ResponseMetadata"]["HTTPStatusCode"] < 500:
                    raise
                failures[0] += 1
            except EndpointConnectionError:
                failures[0] += 1
            time.sleep(0.02)
        return None

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        times = list(pool.map(answered, range(len(enis))))
    done = sorted(t for t in times if t is not None)
    result = {
        "interfaces": len(enis), "victimGrains": held[victim], "grains": held,
        "answered": len(done), "firstMs": round(done[0] * 1000) if done else None,
        "medianMs": round(done[len(done) // 2] * 1000) if done else None,
        "allMs": round(done[-1] * 1000) if len(done) == len(enis) else None, "failedCalls": failures[0]}
    result["sentence"] = (
        f"it held {result['victimGrains']} of {sum(held)} grains; every one of {len(enis)} interfaces answered a write again "
        f"after **{result['allMs']} ms** (first {result['firstMs']} ms, median {result['medianMs']} ms; "
        f"{failures[0]} calls failed with a 5xx meanwhile)")
    print(json.dumps(result))
    return 0 if len(done) == len(enis) else 1


if __name__ == "__main__":
    sys.exit(main())
