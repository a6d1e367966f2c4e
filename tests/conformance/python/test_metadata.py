"""Instance metadata (IMDS) as real clients read it, and how EC2 changes reach it after a delay.

* botocore's own IMDS client (IMDSFetcher / InstanceMetadataFetcher / IMDSRegionProvider) aimed at an
  instance's imdsEndpoint through AWS_EC2_METADATA_SERVICE_ENDPOINT, doing the IMDSv2 token flow.
* The failover-script pattern with curl (token PUT, then GET macs/$MAC/local-ipv4s with the token)
  around AssignPrivateIpAddresses(AllowReassignment) and AssociateAddress.
* The propagation control API: "never" holds changes back until POST /_harness/propagation/flush.

botocore findings (1.43): a custom endpoint is accepted whatever its host (only is_valid_uri is checked:
no 169.254.169.254 restriction) and wins over ec2_metadata_service_endpoint_mode, so no endpoint mode
is needed; the fetcher sends through urllib3 with get_environ_proxies(base_url), i.e. it honours
HTTP(S)_PROXY/NO_PROXY (these tests clear them so nothing leaves 127.0.0.0/8). Its defaults: 1 s
time-out, 1 attempt, token TTL 21600; 404/403/405 on the token PUT -> IMDSv1, 400 -> BadIMDSRequestError.

This module starts its own harness with ``--propagation fixed(1500ms)`` (see harness_process.start).
With HARNESS_EC2_URL set it uses that server instead and sets the propagation through the control API.
"""
import json
import os
import subprocess
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

import botocore.credentials
import botocore.session
import botocore.utils
from botocore.exceptions import InvalidIMDSEndpointError, MetadataRetrievalError

import harness_process
from base import AMI, HarnessTestCase

PROPAGATION = "fixed(1500ms)"
MIN_DELAY_S = 1.2   # a change must not show before this (the model says 1.5 s)
MAX_DELAY_S = 5.0   # ... and must show within this
POLL_S = 0.1
TOKEN_HEADER = "X-aws-ec2-metadata-token"
TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy")
# Environment for curl and botocore: no proxies (all traffic stays on loopback), no shared AWS config.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARS and not k.startswith("AWS_")}

_server = None


def setUpModule():
    global _server
    if not os.environ.get("HARNESS_EC2_URL"):
        _server = harness_process.start(propagation=PROPAGATION)


def tearDownModule():
    global _server
    if _server is not None:
        _server.stop()
        _server = None


def curl(*args, env=None):
    """Run `curl -s ... URL`; returns (HTTP status, body). Status 0: no HTTP answer."""
    r = subprocess.run(["curl", "-s", "--connect-timeout", "1", "--max-time", "5", "-w", "\n%{http_code}", *args],
                       capture_output=True, text=True, timeout=15, env=env or CLEAN_ENV)
    body, _, code = r.stdout.rpartition("\n")
    return int(code or 0), body


def lines(body):
    return body.split("\n") if body else []


class MetadataCase(HarnessTestCase):
    """A fresh harness (reset) with propagation fixed(1500ms), plus IMDS and control-API helpers."""

    def setUp(self):
        self.base = _server.ec2_url if _server is not None else harness_process.endpoint()
        harness_process.reset(self.base)
        self.ec2 = harness_process.client(endpoint_url=self.base)
        if _server is None:
            self.control("PUT", "/_harness/propagation", {"imds": PROPAGATION})
        # reset restores the settings the process started with: --propagation fixed(1500ms)
        self.assertEqual(self.control("GET", "/_harness/propagation")["imds"], PROPAGATION)

    # ---------- control API ----------
    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        status, raw = harness_process._http(method, self.base + path, timeout=10, body=data,
                                            headers={"Content-Type": "application/json"} if data else None)
        self.assertIn(status, (200, 204), raw)
        return json.loads(raw) if raw else None

    def harness_instance(self, iid):
        return self.control("GET", f"/_harness/instances/{iid}")

    # ---------- fixtures ----------
    def launch(self, subnet_id, tokens="required", **kw):
        """Run an instance and wait until its metadata serves it; returns the control API's document."""
        iid = self.instance(subnet_id, MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"}, **kw)["InstanceId"]
        doc = self.eventually(lambda: (lambda d: d if d["metadataState"] == "running" and d["inSync"] else None)(
            self.harness_instance(iid)), timeout=MAX_DELAY_S + 5, msg=f"{iid} metadata running")
        self.assertTrue(doc["imdsEndpoint"].startswith("http://127."), doc)
        self.assertNotIn("127.0.0.1", doc["imdsEndpoint"], "every instance has its own loopback address")
        return doc

    # ---------- IMDS with curl, as the failover scripts do ----------
    def script_token(self, imds, ttl=60):
        """TOKEN=$(curl -s -X PUT $IMDS/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 60")"""
        r = subprocess.run(
            ["bash", "-c", 'TOKEN=$(curl -s -X PUT "$IMDS/latest/api/token" '
                           '-H "X-aws-ec2-metadata-token-ttl-seconds: $TTL") && printf %s "$TOKEN"'],
            capture_output=True, text=True, timeout=15, env={**CLEAN_ENV, "IMDS": imds, "TTL": str(ttl)})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout and "<" not in r.stdout, f"no token: {r.stdout!r}")
        return r.stdout

    def meta(self, imds, token, path):
        """curl -s -H "X-aws-ec2-metadata-token: $TOKEN" $IMDS/latest/meta-data/<path> -> (status, body)"""
        return curl("-H", f"{TOKEN_HEADER}: {token}", f"{imds}/latest/meta-data/{path}")

    def meta_ok(self, imds, token, path):
        status, body = self.meta(imds, token, path)
        self.assertEqual(status, 200, f"{path}: {body}")
        return body

    def local_ipv4s(self, imds, token, mac):
        return lines(self.meta_ok(imds, token, f"network/interfaces/macs/{mac}/local-ipv4s"))

    def watch(self, probes, t_start, deadline_s=MAX_DELAY_S):
        """Poll every probe (name -> fn returning truthy once done) every 100 ms.

        Returns {name: (seconds since t_start when first done, polls that were not done yet)}.
        """
        first, misses = {}, {name: 0 for name in probes}
        deadline = t_start + deadline_s + 1.0  # one more second of slack for the last polls' own time
        while len(first) < len(probes) and time.monotonic() < deadline:
            for name, probe in probes.items():
                if name in first:
                    continue
                done = probe()
                if done:
                    first[name] = time.monotonic() - t_start
                else:
                    misses[name] += 1
            time.sleep(POLL_S)
        for name in probes:
            self.assertIn(name, first, f"{name}: not seen within {deadline_s}s ({misses[name]} polls)")
        return {name: (first[name], misses[name]) for name in probes}

    def assertDelayed(self, name, result, t_gap=0.0):
        """Seen no sooner than MIN_DELAY_S after the call began, and within MAX_DELAY_S after it returned."""
        seen, misses = result
        self.assertGreaterEqual(seen, MIN_DELAY_S, f"{name} showed after {seen:.2f}s: too soon for {PROPAGATION}")
        self.assertLessEqual(seen - t_gap, MAX_DELAY_S, f"{name} showed only after {seen:.2f}s")
        # MIN_DELAY_S above is the real proof; a poll costs a curl process, so under load fewer fit in the delay.
        self.assertGreaterEqual(misses, 1, f"{name}: polled {misses} times before it showed")


class BotocoreImdsClientTest(MetadataCase):
    """botocore's real IMDS client against an instance's own endpoint."""

    def sdk_env(self, imds, **extra):
        """What a user exports: the endpoint from GET /_harness/instances/{id} (plus no shared config)."""
        return mock.patch.dict(os.environ, {**CLEAN_ENV, "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds,
                                            "AWS_CONFIG_FILE": os.devnull,
                                            "AWS_SHARED_CREDENTIALS_FILE": os.devnull, **extra}, clear=True)

    @staticmethod
    def record(fetcher):
        """Wrap the fetcher's HTTP session so the requests it really sends can be checked."""
        sent = []
        real_send = fetcher._session.send

        def send(request):
            response = real_send(request)
            sent.append((request.method, request.url, {k.lower(): v for k, v in request.headers.items()},
                         response.status_code))
            return response
        fetcher._session.send = send
        return sent

    def test_botocore_takes_a_custom_endpoint_as_is(self):
        # A check of the client, not the harness: the per-instance endpoints rely on botocore accepting any URL
        # (no restriction to 169.254.169.254, no endpoint mode needed; a custom endpoint even wins over ipv6 mode).
        for config in ({"ec2_metadata_service_endpoint": "http://127.1.1.1:4581"},
                       {"ec2_metadata_service_endpoint": "http://127.1.1.1:4581",
                        "ec2_metadata_service_endpoint_mode": "ipv6"}):
            with self.subTest(config=config):
                self.assertEqual(botocore.utils.IMDSFetcher(config=config).get_base_url(), "http://127.1.1.1:4581")
        self.assertEqual(botocore.utils.IMDSFetcher().get_base_url(), botocore.utils.METADATA_BASE_URL)
        with self.assertRaises(InvalidIMDSEndpointError):
            botocore.utils.IMDSFetcher(config={"ec2_metadata_service_endpoint": "not a url"})
        with self.sdk_env("http://127.1.1.1:4581"):
            session = botocore.session.Session()
            self.assertEqual(session.get_config_variable("ec2_metadata_service_endpoint"), "http://127.1.1.1:4581")

    def test_credential_chain_fetcher_does_the_token_flow_on_a_tokens_required_instance(self):
        v, s = self.net()
        doc = self.launch(s, tokens="required")
        imds, iid, mac = doc["imdsEndpoint"], doc["instanceId"], doc["mac"]
        with self.sdk_env(imds):
            session = botocore.session.Session()
            resolver = botocore.credentials.create_credential_resolver(session)
            provider = resolver.get_provider("iam-role")
            fetcher = provider._role_fetcher
            self.assertIsInstance(fetcher, botocore.utils.InstanceMetadataFetcher)
            self.assertEqual(fetcher.get_base_url(), imds)
            sent = self.record(fetcher)

            # The credential provider's own call: token first, then the role listing with the token.
            # This instance has no instance profile, so there is no role (404) and no credentials.
            self.assertIsNone(provider.load())
            self.assertGreaterEqual(len(sent), 2, sent)
            method, url, headers, status = sent[0]
            self.assertEqual((method, url, status), ("PUT", imds + "/latest/api/token", 200))
            self.assertEqual(headers.get("x-aws-ec2-metadata-token-ttl-seconds"), "21600")
            method, url, headers, status = sent[1]
            self.assertEqual((method, url), ("GET", imds + "/latest/meta-data/iam/security-credentials/"))
            self.assertTrue(headers.get("x-aws-ec2-metadata-token"), "GET carries the token")
            self.assertEqual(status, 404)

            # The same fetcher reads metadata with a token of its own.
            token = fetcher._fetch_metadata_token()
            self.assertTrue(token)
            get = lambda path: fetcher._get_request(path, None, token=token).text  # noqa: E731
            self.assertEqual(get("latest/meta-data/instance-id"), iid)
            self.assertEqual(get("latest/meta-data/mac"), mac)
            eni = self.primary_eni(iid)
            self.assertEqual(eni["MacAddress"], mac)
            self.assertEqual(lines(get(f"latest/meta-data/network/interfaces/macs/{mac}/local-ipv4s")),
                             [eni["PrivateIpAddress"]])
            self.assertEqual(get(f"latest/meta-data/network/interfaces/macs/{mac}/interface-id"),
                             eni["NetworkInterfaceId"])
            self.assertTrue(all(h.get("x-aws-ec2-metadata-token") == token for m, _, h, _ in sent[-4:]))

            # HttpTokens=required: without a token the GET is refused (401) and botocore gives up.
            before = len(sent)
            with self.assertRaises(botocore.utils._RetriesExceededError):
                fetcher._get_request("latest/meta-data/instance-id", None, token=None)
            self.assertEqual([(m, st) for m, _, _, st in sent[before:]], [("GET", 401)])

    def test_secondary_address_reaches_botocore_after_the_delay(self):
        v, s = self.net()
        doc = self.launch(s)
        eni = self.primary_eni(doc["instanceId"])
        with self.sdk_env(doc["imdsEndpoint"]):
            fetcher = botocore.credentials.create_credential_resolver(
                botocore.session.Session()).get_provider("iam-role")._role_fetcher
            token = fetcher._fetch_metadata_token()
            path = f"latest/meta-data/network/interfaces/macs/{doc['mac']}/local-ipv4s"
            read = lambda: lines(fetcher._get_request(path, None, token=token).text)  # noqa: E731
            self.assertEqual(read(), [eni["PrivateIpAddress"]])
            t0 = time.monotonic()
            self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni["NetworkInterfaceId"],
                                                 PrivateIpAddresses=["10.0.1.77"])
            gap = time.monotonic() - t0
            self.assertIn("10.0.1.77", self.eni_ips(eni["NetworkInterfaceId"]), "EC2 shows it at once")
            result = self.watch({"local-ipv4s": lambda: "10.0.1.77" in read()}, t0)
            self.assertDelayed("local-ipv4s", result["local-ipv4s"], gap)
            self.assertEqual(read(), [eni["PrivateIpAddress"], "10.0.1.77"], "primary first")

    def test_through_one_address_the_base_urls_path_names_the_instance(self):
        # A container publishes one metadata port for every instance: metadataUrl is that port with the instance's id
        # as the path, and botocore keeps a base URL's path (with or without the trailing slash).
        v, s = self.net()
        doc = self.launch(s, tokens="required")
        url, iid, mac = doc["metadataUrl"], doc["instanceId"], doc["mac"]
        port = doc["imdsEndpoint"].rsplit(":", 1)[1]
        self.assertEqual(url, f"http://127.0.0.1:{port}/{iid}/")
        for base in (url, url.rstrip("/")):
            with self.subTest(base=base), self.sdk_env(base):
                fetcher = botocore.credentials.create_credential_resolver(
                    botocore.session.Session()).get_provider("iam-role")._role_fetcher
                sent = self.record(fetcher)
                token = fetcher._fetch_metadata_token()
                self.assertEqual(fetcher._get_request("latest/meta-data/instance-id", None, token=token).text, iid)
                self.assertEqual(fetcher._get_request("latest/meta-data/mac", None, token=token).text, mac)
                prefix = url.rstrip("/")
                self.assertEqual([(m, u, st) for m, u, _, st in sent],
                                 [("PUT", prefix + "/latest/api/token", 200),
                                  ("GET", prefix + "/latest/meta-data/instance-id", 200),
                                  ("GET", prefix + "/latest/meta-data/mac", 200)])

    def test_region_provider_reads_placement(self):
        eu = harness_process.client("eu-west-1", endpoint_url=self.base)
        vpc = eu.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
        subnet = eu.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24", AvailabilityZone="eu-west-1b")["Subnet"]["SubnetId"]
        iid = eu.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet,
                               MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
        doc = self.eventually(lambda: (lambda d: d if d["metadataState"] == "running" else None)(
            self.harness_instance(iid)), timeout=MAX_DELAY_S + 5)
        self.assertEqual(doc["region"], "eu-west-1")
        with self.sdk_env(doc["imdsEndpoint"], AWS_EC2_METADATA_V1_DISABLED="true"):
            provider = botocore.utils.IMDSRegionProvider(botocore.session.Session())
            fetcher = provider._get_fetcher()
            self.assertIsInstance(fetcher, botocore.utils.InstanceMetadataRegionFetcher)
            sent = self.record(fetcher)
            self.assertEqual(provider.provide(), "eu-west-1")
        self.assertEqual([(m, u, st) for m, u, _, st in sent],
                         [("PUT", doc["imdsEndpoint"] + "/latest/api/token", 200),
                          ("GET", doc["imdsEndpoint"] + "/latest/meta-data/placement/availability-zone/", 200)])
        self.assertTrue(sent[1][2].get("x-aws-ec2-metadata-token"))

    def test_v1_fallback_rules(self):
        v, s = self.net()
        optional = self.launch(s, tokens="optional")
        required = self.launch(s, tokens="required")
        cfg = lambda doc, **kw: {"ec2_metadata_service_endpoint": doc["imdsEndpoint"], **kw}  # noqa: E731
        env = self.sdk_env(optional["imdsEndpoint"])  # no proxies from the environment
        env.start()
        self.addCleanup(env.stop)
        # tokens optional: IMDSv1 (no token) works
        f = botocore.utils.IMDSFetcher(config=cfg(optional))
        self.assertEqual(f._get_request("latest/meta-data/instance-id", None).text, optional["instanceId"])
        # ec2_metadata_v1_disabled: botocore refuses to send a token-less GET at all
        f = botocore.utils.IMDSFetcher(config=cfg(required, ec2_metadata_v1_disabled=True))
        with self.assertRaises(MetadataRetrievalError):
            f._get_request("latest/meta-data/instance-id", None, token=None)
        # a token issued by another instance is refused (401) even where tokens are optional
        other = botocore.utils.IMDSFetcher(config=cfg(required))._fetch_metadata_token()
        f = botocore.utils.IMDSFetcher(config=cfg(optional))
        sent = self.record(f)
        with self.assertRaises(botocore.utils._RetriesExceededError):
            f._get_request("latest/meta-data/instance-id", None, token=other)
        self.assertEqual(sent[-1][3], 401)

        # a TTL out of range is 400 on the token PUT, which botocore treats as a hard error
        class LongTtl(botocore.utils.IMDSFetcher):
            _TOKEN_TTL = "21601"
        with self.assertRaises(botocore.utils.BadIMDSRequestError):
            LongTtl(config=cfg(required))._fetch_metadata_token()


class FailoverScriptTest(MetadataCase):
    """keepalived/Pacemaker style: move an address (and its Elastic IP) with AllowReassignment, then poll IMDS."""

    def pair(self):
        v, s = self.net()
        a, b = self.launch(s), self.launch(s)
        for doc in (a, b):
            doc["eni"] = self.primary_eni(doc["instanceId"])
            doc["token"] = self.script_token(doc["imdsEndpoint"])
            # MAC=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" $IMDS/latest/meta-data/mac)
            self.assertEqual(self.meta_ok(doc["imdsEndpoint"], doc["token"], "mac"), doc["mac"])
            self.assertEqual(doc["eni"]["MacAddress"], doc["mac"])
            # HttpTokens=required: no token, no metadata
            self.assertEqual(curl(f"{doc['imdsEndpoint']}/latest/meta-data/mac")[0], 401)
        self.assertNotEqual(a["imdsEndpoint"], b["imdsEndpoint"])
        return a, b

    def put_on(self, doc, ip):
        """Give doc's ENI a secondary address and wait until its metadata shows it."""
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=doc["eni"]["NetworkInterfaceId"], PrivateIpAddresses=[ip])
        self.eventually(lambda: ip in self.local_ipv4s(doc["imdsEndpoint"], doc["token"], doc["mac"]),
                        timeout=MAX_DELAY_S, interval=POLL_S, msg=f"{ip} on {doc['instanceId']}")

    def test_reassigned_address_reaches_metadata_after_the_delay(self):
        a, b = self.pair()
        ip = "10.0.1.50"
        self.put_on(a, ip)
        self.assertNotIn(ip, self.local_ipv4s(b["imdsEndpoint"], b["token"], b["mac"]))

        t0 = time.monotonic()
        r = self.ec2.assign_private_ip_addresses(NetworkInterfaceId=b["eni"]["NetworkInterfaceId"],
                                                 PrivateIpAddresses=[ip], AllowReassignment=True)
        gap = time.monotonic() - t0
        self.assertEqual([x["PrivateIpAddress"] for x in r["AssignedPrivateIpAddresses"]], [ip])
        # the control plane has it on B at once
        self.assertIn(ip, self.eni_ips(b["eni"]["NetworkInterfaceId"]))
        self.assertNotIn(ip, self.eni_ips(a["eni"]["NetworkInterfaceId"]))
        # ... while B's metadata has it on its way
        self.assertFalse(self.harness_instance(b["instanceId"])["inSync"])
        self.assertGreaterEqual(self.harness_instance(b["instanceId"])["pendingChanges"], 1)

        result = self.watch({
            "B gains it": lambda: ip in self.local_ipv4s(b["imdsEndpoint"], b["token"], b["mac"]),
            "A drops it": lambda: ip not in self.local_ipv4s(a["imdsEndpoint"], a["token"], a["mac"]),
        }, t0)
        for name, res in result.items():
            self.assertDelayed(name, res, gap)

        self.assertEqual(self.local_ipv4s(b["imdsEndpoint"], b["token"], b["mac"]), [b["privateIpAddress"], ip])
        self.assertEqual(self.local_ipv4s(a["imdsEndpoint"], a["token"], a["mac"]), [a["privateIpAddress"]])
        for doc in (a, b):
            state = self.harness_instance(doc["instanceId"])
            self.assertTrue(state["inSync"], state)
            self.assertEqual(state["pendingChanges"], 0, state)

    def test_elastic_ip_reaches_metadata_and_follows_the_address(self):
        a, b = self.pair()
        ip = "10.0.1.60"
        self.put_on(a, ip)
        imds, tok, mac = a["imdsEndpoint"], a["token"], a["mac"]
        # no public address yet: 404, never an empty 200
        self.assertEqual(self.meta(imds, tok, f"network/interfaces/macs/{mac}/public-ipv4s")[0], 404)
        self.assertEqual(self.meta(imds, tok, f"network/interfaces/macs/{mac}/ipv4-associations/")[0], 404)

        alloc = self.ec2.allocate_address(Domain="vpc")
        public = alloc["PublicIp"]
        t0 = time.monotonic()
        self.ec2.associate_address(AllocationId=alloc["AllocationId"],
                                   NetworkInterfaceId=a["eni"]["NetworkInterfaceId"], PrivateIpAddress=ip)
        gap = time.monotonic() - t0
        result = self.watch({
            "public-ipv4s": lambda: self.meta(imds, tok, f"network/interfaces/macs/{mac}/public-ipv4s") == (200, public),
        }, t0)
        self.assertDelayed("public-ipv4s", result["public-ipv4s"], gap)
        self.assertEqual(self.meta(imds, tok, f"network/interfaces/macs/{mac}/ipv4-associations/"), (200, public))
        self.assertEqual(self.meta(imds, tok, f"network/interfaces/macs/{mac}/ipv4-associations/{public}"), (200, ip))
        # the Elastic IP is on a secondary address, so the instance's top-level public-ipv4 stays absent
        self.assertEqual(self.meta(imds, tok, "public-ipv4")[0], 404)

        # failover: the address moves to B and its Elastic IP with it
        t0 = time.monotonic()
        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=b["eni"]["NetworkInterfaceId"],
                                             PrivateIpAddresses=[ip], AllowReassignment=True)
        gap = time.monotonic() - t0
        addr = self.ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"][0]
        self.assertEqual((addr["NetworkInterfaceId"], addr["PrivateIpAddress"]), (b["eni"]["NetworkInterfaceId"], ip))
        bi, btok, bmac = b["imdsEndpoint"], b["token"], b["mac"]
        result = self.watch({
            "B ipv4-associations": lambda: self.meta(bi, btok, f"network/interfaces/macs/{bmac}/ipv4-associations/{public}") == (200, ip),
            "A loses public-ipv4s": lambda: self.meta(imds, tok, f"network/interfaces/macs/{mac}/public-ipv4s")[0] == 404,
        }, t0)
        for name, res in result.items():
            self.assertDelayed(name, res, gap)
        self.assertEqual(self.meta(bi, btok, f"network/interfaces/macs/{bmac}/public-ipv4s"), (200, public))


class ToolsAddressTest(MetadataCase):
    """127.0.0.1:<imds-port> serves any instance named by X-Harness-Instance-Id, under the same IMDSv2 rules."""

    def test_tools_address_names_the_instance(self):
        tools = _server.imds_url if _server is not None else harness_process.imds_url()
        self.assertIsNotNone(tools, "set HARNESS_IMDS_PORT along with HARNESS_EC2_URL")
        v, s = self.net()
        a, b = self.launch(s), self.launch(s, tokens="optional")
        for doc in (a, b):
            name = ("-H", f"X-Harness-Instance-Id: {doc['instanceId']}")
            status, token = curl("-X", "PUT", *name, "-H", f"{TTL_HEADER}: 60", f"{tools}/latest/api/token")
            self.assertEqual(status, 200, token)
            self.assertEqual(curl(*name, "-H", f"{TOKEN_HEADER}: {token}", f"{tools}/latest/meta-data/instance-id"),
                             (200, doc["instanceId"]))
            self.assertEqual(curl(*name, "-H", f"{TOKEN_HEADER}: {token}", f"{tools}/latest/meta-data/mac"),
                             (200, doc["mac"]))
        self.assertEqual(curl("-H", f"X-Harness-Instance-Id: {a['instanceId']}", f"{tools}/latest/meta-data/instance-id")[0],
                         401, "HttpTokens=required holds on the tools address too")
        self.assertEqual(curl("-H", f"X-Harness-Instance-Id: {b['instanceId']}", f"{tools}/latest/meta-data/instance-id"),
                         (200, b["instanceId"]))
        self.assertEqual(curl(f"{tools}/latest/meta-data/instance-id")[0], 400, "no instance named")
        self.assertEqual(curl("-H", "X-Harness-Instance-Id: i-00000000000000000",
                              f"{tools}/latest/meta-data/instance-id")[0], 404)


class PropagationControlTest(MetadataCase):
    """PUT /_harness/propagation "never" holds changes back; POST /_harness/propagation/flush delivers them."""

    def test_never_then_flush(self):
        v, s = self.net()
        doc = self.launch(s)
        imds, mac, iid = doc["imdsEndpoint"], doc["mac"], doc["instanceId"]
        token = self.script_token(imds)
        eni = self.primary_eni(iid)["NetworkInterfaceId"]

        settings = self.control("PUT", "/_harness/propagation", {"imds": "never"})
        self.assertEqual(settings["imds"], "never")
        self.assertEqual(self.control("GET", "/_harness/propagation")["imds"], "never")

        self.ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.90"])
        self.assertIn("10.0.1.90", self.eni_ips(eni), "EC2 shows it at once")
        deadline = time.monotonic() + 2.0
        polls = 0
        while time.monotonic() < deadline:
            self.assertNotIn("10.0.1.90", self.local_ipv4s(imds, token, mac), f"showed after {polls} polls")
            polls += 1
            time.sleep(POLL_S)
        # The loop ran for the whole two seconds (its deadline is the proof); under load each poll costs more.
        self.assertGreaterEqual(polls, 2)
        state = self.harness_instance(iid)
        self.assertFalse(state["inSync"], state)
        self.assertGreaterEqual(state["pendingChanges"], 1, state)

        report = self.control("POST", "/_harness/propagation/flush")
        self.assertGreaterEqual(report["applied"], 1, report)
        # flush delivers synchronously: the very next read shows it
        self.assertEqual(self.local_ipv4s(imds, token, mac), [doc["privateIpAddress"], "10.0.1.90"])
        state = self.harness_instance(iid)
        self.assertTrue(state["inSync"], state)
        self.assertEqual(state["pendingChanges"], 0, state)


if __name__ == "__main__":
    unittest.main()
