"""Fault injection as real clients meet it: botocore's retries and its metadata fetchers against /_harness/faults.

* EC2 throttling (``ec2-throttle``): botocore's standard retry mode rides out an empty token bucket; without
  retries the RequestLimitExceeded (HTTP 503) surfaces. Injected errors (``ec2-error``): Unavailable is 503,
  InternalError 500. A ``serve --fault`` fault is in force from the start and again after every reset.
* botocore's IMDS fetchers (InstanceMetadataRegionFetcher / InstanceMetadataFetcher, aimed at an instance's own
  imdsEndpoint through ``ec2_metadata_service_endpoint``) against 503s (``imds-error``), dropped requests
  (``imds-throttle``: the client times out, it gets no HTTP error) and a failing token endpoint
  (``imds-token-error``: 403/404/405 make botocore fall back to IMDSv1, and so, once its attempts are spent, do
  500/503).
* Every test checks the fault timeline (GET /_harness/faults/events) for the touches it caused.

botocore findings (1.43): ``retries={"max_attempts": N}`` counts *retries* (N + 1 attempts in all; the
conformance helper's ``max_attempts: 1`` therefore still retries once); ``total_max_attempts`` counts attempts.
IMDSFetcher: a GET answered 503 is tried num_attempts times in all, then _RetriesExceededError
(retrieve_region() -> None, retrieve_iam_role_credentials() -> {}); a read time-out on a GET is retried the same
way; a read time-out on the token PUT (per its source; not exercised here), 403/404/405 on it, or num_attempts
5xx on it all mean "no token", and the GET goes out as IMDSv1; a 400 on the token PUT is BadIMDSRequestError.

This module starts its own harness (``--propagation fixed(50ms)`` so instances' metadata is ready at once, and
``--fault`` for a start-up fault on DescribeRegions). With HARNESS_EC2_URL set it uses that server instead
(and skips the start-up fault test).
"""
import json
import os
import time
import unittest
import urllib.error
from unittest import mock

import boto3
import botocore.utils
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

import harness_process
from base import HarnessTestCase

PROPAGATION = "fixed(50ms)"
STARTUP_FAULT = "ec2-error(code=InternalError, action=DescribeRegions)"
AZ_PATH = "/latest/meta-data/placement/availability-zone/"
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy")
# No proxies (all traffic stays on loopback), no shared AWS config or credentials from the environment.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARS and not k.startswith("AWS_")}
CLEAN_ENV.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)

_server = None


def setUpModule():
    global _server
    if not os.environ.get("HARNESS_EC2_URL"):
        _server = harness_process.start(propagation=PROPAGATION, extra_args=["--fault", STARTUP_FAULT])


def tearDownModule():
    global _server
    if _server is not None:
        _server.stop()
        _server = None


class FaultCase(HarnessTestCase):
    """A reset harness, a clean environment, and helpers for the faults API and botocore's clients."""

    def setUp(self):
        env = mock.patch.dict(os.environ, CLEAN_ENV, clear=True)
        env.start()
        self.addCleanup(env.stop)
        self.base = _server.ec2_url if _server is not None else harness_process.endpoint()
        harness_process.reset(self.base)
        self.ec2 = harness_process.client(endpoint_url=self.base)
        if _server is None:
            self.control("PUT", "/_harness/propagation", {"imds": PROPAGATION})
        self.after = self.control("GET", "/_harness/faults/events")["lastSequence"]

    # ---------- control API ----------
    def request(self, method, path, body=None):
        """(status, parsed body or None), whatever the status."""
        data = None if body is None else json.dumps(body).encode()
        try:
            status, raw = harness_process._http(method, self.base + path, timeout=10, body=data,
                                                headers={"Content-Type": "application/json"} if data else None)
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        return status, (json.loads(raw) if raw else None)

    def control(self, method, path, body=None, expect=(200, 204)):
        status, doc = self.request(method, path, body)
        self.assertIn(status, expect, doc)
        return doc

    def add_fault(self, spec, name=None):
        """POST /_harness/faults; the fault is cleared (DELETE) when the test ends, if still in force."""
        body = {"spec": spec} if name is None else {"spec": spec, "name": name}
        doc = self.control("POST", "/_harness/faults", body, expect=(201,))
        self.assertTrue(doc["id"].startswith("fault-"), doc)
        self.assertEqual(doc["source"], "api")
        self.addCleanup(self.request, "DELETE", f"/_harness/faults/{doc['id']}")
        return doc

    def clear_fault(self, fault):
        self.control("DELETE", f"/_harness/faults/{fault['id']}", expect=(204,))
        self.assertEqual(self.request("GET", f"/_harness/faults/{fault['id']}")[0], 404)

    def touched(self, fault):
        return self.control("GET", f"/_harness/faults/{fault['id']}")["touched"]

    def touches(self, fault, instance=None):
        """The fault's 'touched' events since the test began, oldest first."""
        query = f"?after={self.after}&limit=10000" + (f"&instance={instance}" if instance else "")
        page = self.control("GET", "/_harness/faults/events" + query)
        self.assertEqual(page["dropped"], 0)
        return [e for e in page["events"] if e["faultId"] == fault["id"] and e["event"] == "touched"]

    # ---------- clients ----------
    def sdk(self, **retries):
        """A plain boto3 EC2 client with botocore's own retries as given (no harness hooks); counts HTTP sends."""
        c = boto3.client("ec2", region_name="us-east-1", endpoint_url=self.base,
                         aws_access_key_id=harness_process.ACCESS_KEY, aws_secret_access_key=harness_process.SECRET_KEY,
                         config=Config(retries=retries, connect_timeout=5, read_timeout=10))
        c.sends = []
        c.meta.events.register("before-send.ec2.*", lambda request, **_: c.sends.append(request.url))
        return c

    def assertClientError(self, cm, code, status, retries):
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        self.assertEqual(err["ResponseMetadata"]["RetryAttempts"], retries, err)

    # ---------- instances and their metadata ----------
    def launch(self, subnet_id, tokens="required"):
        """Run an instance and wait until its metadata serves it; returns GET /_harness/instances/{id}."""
        iid = self.instance(subnet_id, MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"})["InstanceId"]
        doc = self.eventually(lambda: (lambda d: d if d["metadataState"] == "running" and d["inSync"] else None)(
            self.control("GET", f"/_harness/instances/{iid}")), timeout=10, msg=f"{iid} metadata running")
        self.assertTrue(doc["imdsEndpoint"].startswith("http://127."), doc)
        return doc

    @staticmethod
    def fetcher(doc, cls=botocore.utils.InstanceMetadataRegionFetcher, timeout=1, num_attempts=1):
        """botocore's fetcher aimed at the instance's endpoint, recording (method, path, token?, status or error)."""
        f = cls(timeout=timeout, num_attempts=num_attempts, config={"ec2_metadata_service_endpoint": doc["imdsEndpoint"]})
        f.sent = []
        real_send = f._session.send
        base = len(doc["imdsEndpoint"])

        def send(request):
            entry = [request.method, request.url[base:], "x-aws-ec2-metadata-token" in request.headers, None,
                     time.monotonic()]
            f.sent.append(entry)
            try:
                response = real_send(request)
            except Exception as e:
                entry[3] = type(e).__name__
                raise
            finally:
                entry[4] = time.monotonic() - entry[4]
            entry[3] = response.status_code
            return response
        f._session.send = send
        return f

    @staticmethod
    def calls(f):
        """What the fetcher sent: (method, path, carried a token, status or exception name)."""
        return [tuple(e[:4]) for e in f.sent]


class Ec2ThrottleTest(FaultCase):
    """ec2-throttle: EC2's token bucket for an action, met by botocore's retry modes."""

    def test_standard_retries_ride_out_an_empty_bucket(self):
        vpc = self.vpc()
        fault = self.add_fault("ec2-throttle(capacity=2, refill=2, action=DescribeVpcs)")
        self.assertEqual(fault["spec"], "ec2-throttle(scale=1, capacity=2, refill=2, action=DescribeVpcs)")
        c = self.sdk(mode="standard", max_attempts=10)
        retried, t0 = 0, time.monotonic()
        for i in range(8):
            r = c.describe_vpcs()
            self.assertIn(vpc, [v["VpcId"] for v in r["Vpcs"]], f"call {i}")
            retried += r["ResponseMetadata"]["RetryAttempts"]
        elapsed = time.monotonic() - t0
        # 8 calls from a bucket of 2 refilled at 2/s cannot all pass in less than 3 s
        self.assertGreaterEqual(elapsed, 2.5, "the bucket let the calls through too fast")
        self.assertGreater(retried, 0, "botocore never had to retry")
        self.assertEqual(len(c.sends), 8 + retried)
        touches = self.touches(fault)
        self.assertEqual(len(touches), retried, touches)
        for e in touches:
            self.assertEqual((e["channel"], e["target"]), ("ec2", "DescribeVpcs"), e)
            self.assertTrue(e["detail"].startswith("RequestLimitExceeded"), e)
        self.assertEqual(self.touched(fault), retried)
        # action=DescribeVpcs: other actions draw on no bucket of this fault
        for _ in range(5):
            c.describe_subnets()
        self.assertEqual(self.touched(fault), retried)

    def test_without_retries_the_throttle_error_surfaces(self):
        self.vpc()
        fault = self.add_fault("ec2-throttle(capacity=1, refill=0.1, action=DescribeVpcs)")
        once = self.sdk(mode="standard", total_max_attempts=1)
        once.describe_vpcs()  # the bucket's one token
        with self.assertRaises(ClientError) as cm:
            once.describe_vpcs()
        self.assertClientError(cm, "RequestLimitExceeded", 503, retries=0)
        self.assertEqual(cm.exception.response["Error"]["Message"], "Request limit exceeded.")
        self.assertEqual(len(once.sends), 2)
        self.assertEqual(self.touched(fault), 1)
        # max_attempts counts retries: max_attempts=1 is two attempts, both throttled (0.1 token/s comes back)
        retry_once = self.sdk(mode="standard", max_attempts=1)
        with self.assertRaises(ClientError) as cm:
            retry_once.describe_vpcs()
        self.assertClientError(cm, "RequestLimitExceeded", 503, retries=1)
        self.assertEqual(len(retry_once.sends), 2)
        self.assertEqual(len(self.touches(fault)), 3)
        # cleared: the calls pass again
        self.clear_fault(fault)
        once.describe_vpcs()
        once.describe_vpcs()
        events = self.control("GET", f"/_harness/faults/events?after={self.after}")["events"]
        self.assertEqual([e["event"] for e in events if e["faultId"] == fault["id"]],
                         ["added", "touched", "touched", "touched", "cleared"])


class Ec2ErrorTest(FaultCase):
    """ec2-error: injected EC2 errors with their HTTP statuses."""

    def test_unavailable_is_503_and_botocore_retries_it(self):
        self.vpc()
        fault = self.add_fault("ec2-error(code=Unavailable, rate=100%, action=DescribeVpcs)")
        self.assertEqual(fault["spec"], "ec2-error(code=Unavailable, rate=1, action=DescribeVpcs)")
        once = self.sdk(mode="standard", total_max_attempts=1)
        with self.assertRaises(ClientError) as cm:
            once.describe_vpcs()
        self.assertClientError(cm, "Unavailable", 503, retries=0)
        self.assertEqual(cm.exception.response["Error"]["Message"], "The service is unavailable. Please try again shortly.")
        self.assertEqual(self.touched(fault), 1)
        # a 503 is transient to botocore's standard mode: retried, and every attempt met the fault
        retrying = self.sdk(mode="standard", max_attempts=1)
        with self.assertRaises(ClientError) as cm:
            retrying.describe_vpcs()
        self.assertClientError(cm, "Unavailable", 503, retries=1)
        touches = self.touches(fault)
        self.assertEqual([(e["target"], e["detail"]) for e in touches], [("DescribeVpcs", "Unavailable")] * 3)
        once.describe_subnets()  # out of the fault's scope
        self.assertEqual(self.touched(fault), 3)

    def test_internal_error_is_500_until_cleared(self):
        v = self.vpc()
        fault = self.add_fault("ec2-error(code=InternalError, rate=100%, action=DescribeVpcs)")
        once = self.sdk(mode="standard", total_max_attempts=1)
        with self.assertRaises(ClientError) as cm:
            once.describe_vpcs(VpcIds=[v])
        self.assertClientError(cm, "InternalError", 500, retries=0)
        self.assertEqual(cm.exception.response["Error"]["Message"], "An internal error has occurred")
        self.assertEqual(len(self.touches(fault)), 1)
        self.clear_fault(fault)
        self.assertEqual(once.describe_vpcs(VpcIds=[v])["Vpcs"][0]["VpcId"], v)
        self.assertEqual(len(self.touches(fault)), 1)

    def test_serve_fault_is_in_force_from_the_start_and_after_reset(self):
        if _server is None:
            self.skipTest("needs the module's own harness (started with --fault)")
        startup = [f for f in self.control("GET", "/_harness/faults")["faults"] if f["source"] == "serve"]
        self.assertEqual([f["spec"] for f in startup], ["ec2-error(code=InternalError, rate=1, action=DescribeRegions)"])
        once = self.sdk(mode="standard", total_max_attempts=1)
        with self.assertRaises(ClientError) as cm:
            once.describe_regions()
        self.assertClientError(cm, "InternalError", 500, retries=0)
        self.assertEqual(len(self.touches(startup[0])), 1)
        self.clear_fault(startup[0])
        self.assertTrue(once.describe_regions()["Regions"])
        harness_process.reset(self.base)
        self.assertEqual([f["spec"] for f in self.control("GET", "/_harness/faults")["faults"]], [startup[0]["spec"]])
        with self.assertRaises(ClientError) as cm:
            once.describe_regions()
        self.assertClientError(cm, "InternalError", 500, retries=0)


class ImdsErrorTest(FaultCase):
    """imds-error: metadata reads answered 503, met by botocore's fetchers."""

    def test_503s_exhaust_the_fetchers_attempts(self):
        v, s = self.net()
        doc, other = self.launch(s), self.launch(s)
        iid = doc["instanceId"]
        fault = self.add_fault(f"imds-error(status=503, rate=100%, instance={iid})")
        f = self.fetcher(doc, num_attempts=3)
        self.assertIsNone(f.retrieve_region(), "botocore gives up: no region")
        # the token PUT is not a read: imds-error leaves it alone; each GET attempt is a 503
        self.assertEqual(self.calls(f), [("PUT", "/latest/api/token", False, 200)] + [("GET", AZ_PATH, True, 503)] * 3)
        with self.assertRaises(botocore.utils._RetriesExceededError):
            f._get_request(AZ_PATH[1:], None, token=f._fetch_metadata_token())
        creds = self.fetcher(doc, cls=botocore.utils.InstanceMetadataFetcher, num_attempts=2)
        self.assertEqual(creds.retrieve_iam_role_credentials(), {})
        self.assertEqual([c[3] for c in self.calls(creds)], [200, 503, 503])
        touches = self.touches(fault, instance=iid)
        self.assertEqual(len(touches), 3 + 3 + 2)
        self.assertTrue(all(e["detail"] == "answered 503" and e["channel"] == "imds" and e["instanceId"] == iid
                            for e in touches), touches)
        self.assertEqual([e["target"] for e in touches][:6], [AZ_PATH] * 6)
        # instance=: the other instance's metadata is untouched
        g = self.fetcher(other)
        self.assertEqual(g.retrieve_region(), "us-east-1")
        self.assertEqual([c[3] for c in self.calls(g)], [200, 200])
        self.assertEqual(self.touched(fault), 8)
        # cleared: the first fetcher's next try succeeds
        self.clear_fault(fault)
        self.assertEqual(f.retrieve_region(), "us-east-1")

    def test_retries_get_through_a_seeded_partial_outage(self):
        v, s = self.net()
        doc = self.launch(s)
        iid = doc["instanceId"]
        # 60% of reads answer 503; seed 9 (with this name) draws 503, 503, 503, then a pass
        spec = f"imds-error(status=503, rate=60%, instance={iid}, seed=9)"
        outcomes = []
        for attempts in (3, 8, 8):
            fault = self.add_fault(spec, name="brownout")  # a fresh fault: its draws start over
            f = self.fetcher(doc, num_attempts=attempts)
            region = f.retrieve_region()
            gets = [c[3] for c in self.calls(f) if c[0] == "GET"]
            self.assertEqual(len(self.touches(fault, instance=iid)), gets.count(503))
            self.assertEqual(self.touched(fault), gets.count(503))
            outcomes.append((attempts, region, gets))
            self.clear_fault(fault)
            self.after = self.control("GET", "/_harness/faults/events")["lastSequence"]
        self.assertEqual(outcomes, [(3, None, [503] * 3),  # too few attempts: botocore gives up
                                    (8, "us-east-1", [503] * 3 + [200]),  # enough: the fourth read passes
                                    (8, "us-east-1", [503] * 3 + [200])],  # same spec, same outcome
                         "the seeded 503s are not what seed 9 drew before")


class ImdsThrottleTest(FaultCase):
    """imds-throttle: requests over the allowance are dropped, so clients time out instead of getting an error."""

    def test_dropped_requests_time_out_in_the_fetcher(self):
        v, s = self.net()
        doc = self.launch(s)
        iid = doc["instanceId"]
        fault = self.add_fault(f"imds-throttle(pps=1, hold=5s, instance={iid})")
        f = self.fetcher(doc, timeout=1)
        t0 = time.monotonic()
        self.assertIsNone(f.retrieve_region())
        elapsed = time.monotonic() - t0
        # the PUT takes the second's one packet; the GET right after is dropped and botocore's 1 s read time-out ends it
        self.assertEqual(self.calls(f), [("PUT", "/latest/api/token", False, 200),
                                         ("GET", AZ_PATH, True, ReadTimeoutError.__name__)])
        self.assertGreaterEqual(elapsed, 0.9)
        self.assertLess(elapsed, 4.5, "the client's time-out, not the harness's 5 s hold, ended the call")
        self.assertGreaterEqual(f.sent[1][4], 0.9)
        self.assertLess(f.sent[1][4], 4.0)
        touches = self.touches(fault, instance=iid)
        self.assertEqual(len(touches), 1, touches)
        self.assertEqual((touches[0]["target"], touches[0]["channel"]), (AZ_PATH, "imds"))
        self.assertTrue(touches[0]["detail"].startswith("dropped"), touches[0])

        # a client more patient than the hold: the harness resets the connection after 5 s (no HTTP answer either)
        time.sleep(1.2)  # the bucket refills
        patient = self.fetcher(doc, timeout=10)
        t0 = time.monotonic()
        self.assertIsNone(patient.retrieve_region())
        elapsed = time.monotonic() - t0
        self.assertEqual(self.calls(patient), [("PUT", "/latest/api/token", False, 200),
                                               ("GET", AZ_PATH, True, ConnectionClosedError.__name__)])
        self.assertGreaterEqual(elapsed, 4.7)
        self.assertLess(elapsed, 9.5)
        self.assertEqual(len(self.touches(fault, instance=iid)), 2)

        # under the allowance nothing is dropped
        self.clear_fault(fault)
        self.assertEqual(self.fetcher(doc).retrieve_region(), "us-east-1")
        self.assertEqual(len(self.touches(fault)), 2)


class ImdsTokenErrorTest(FaultCase):
    """imds-token-error: the token endpoint failing on its own; botocore's IMDSv1 fallback."""

    def test_404_403_405_make_botocore_fall_back_to_imdsv1(self):
        v, s = self.net()
        optional, required = self.launch(s, tokens="optional"), self.launch(s, tokens="required")
        for status in (404, 403, 405):
            with self.subTest(status=status):
                fault = self.add_fault(f"imds-token-error(status={status})")
                f = self.fetcher(optional)
                self.assertEqual(f.retrieve_region(), "us-east-1")
                # no token: the GET goes out without one, and HttpTokens=optional serves it
                self.assertEqual(self.calls(f), [("PUT", "/latest/api/token", False, status), ("GET", AZ_PATH, False, 200)])
                # where tokens are required the IMDSv1 GET is refused: botocore ends with no region
                g = self.fetcher(required)
                self.assertIsNone(g.retrieve_region())
                self.assertEqual(self.calls(g), [("PUT", "/latest/api/token", False, status), ("GET", AZ_PATH, False, 401)])
                touches = self.touches(fault)
                self.assertEqual([(e["target"], e["detail"]) for e in touches],
                                 [("/latest/api/token", f"answered {status}")] * 2)
                self.assertEqual({e["instanceId"] for e in touches}, {optional["instanceId"], required["instanceId"]})
                self.clear_fault(fault)
                self.after = self.control("GET", "/_harness/faults/events")["lastSequence"]

    def test_5xx_on_the_token_is_retried_then_imdsv1(self):
        v, s = self.net()
        doc = self.launch(s, tokens="optional")
        early = self.fetcher(doc)._fetch_metadata_token()
        fault = self.add_fault(f"imds-token-error(status=503, instance={doc['instanceId']})")
        f = self.fetcher(doc, num_attempts=2)
        self.assertEqual(f.retrieve_region(), "us-east-1")
        self.assertEqual(self.calls(f), [("PUT", "/latest/api/token", False, 503)] * 2 + [("GET", AZ_PATH, False, 200)])
        # only the token endpoint fails: a token got before still reads
        self.assertEqual(f._get_request(AZ_PATH[1:], None, token=early).text, "us-east-1a")
        self.assertEqual(len(self.touches(fault)), 2)

    def test_400_is_not_a_token_error_the_harness_injects(self):
        before = self.control("GET", "/_harness/faults")["faults"]
        spec = "imds-token-error(status=400)"
        status, problem = self.request("POST", "/_harness/faults", {"spec": spec})
        self.assertEqual(status, 400, problem)
        self.assertEqual(problem["title"], "Bad fault spec")
        self.assertEqual(problem["position"], spec.index("400"), problem)
        self.assertEqual(problem["spec"], spec)
        for allowed in ("403", "404", "405", "500", "503"):
            self.assertIn(allowed, problem["detail"])
        self.assertEqual(self.control("GET", "/_harness/faults")["faults"], before, "nothing was added")


if __name__ == "__main__":
    unittest.main()
