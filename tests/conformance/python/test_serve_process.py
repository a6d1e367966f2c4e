"""The `harness serve` process itself: what it prints, how it stops, how it refuses bad arguments.

Starts its own short-lived processes (the Release build the runner made) on free loopback ports.
"""
import json
import os
import signal
import subprocess
import time
import unittest
import urllib.request

from harness_process import HARNESS_DLL, _free_port, client


def start(*args):
    # A free Alibaba port for every serve: its default (4582) would clash with another harness on this machine.
    if args[:1] == ("serve",) and "--ecs-port" not in args and "--help" not in args:
        args = (*args, "--ecs-port", str(_free_port()))
    return subprocess.Popen(["dotnet", HARNESS_DLL, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class ServeProcessTest(unittest.TestCase):
    """serve prints its endpoints and a client's environment, answers health, and stops cleanly on Ctrl-C."""

    def banner(self, proc):
        """What serve prints before it is ready, up to its "Ctrl-C stops it." line."""
        lines = []
        while "Ctrl-C" not in "".join(lines):
            line = proc.stdout.readline()
            self.assertTrue(line, "serve exited before printing its endpoints: " + "".join(lines))
            lines.append(line)
        return "".join(lines)

    def run_and_stop(self, sig):
        port, imds = _free_port(), _free_port()
        proc = start("serve", "--ec2-port", str(port), "--imds-port", str(imds), "--seed", "3", "--propagation", "uniform(1s,2s)")
        try:
            text = self.banner(proc)
            self.assertIn(f"export AWS_ENDPOINT_URL_EC2=http://127.0.0.1:{port}", text)
            self.assertIn("AWS_ACCESS_KEY_ID=", text)
            self.assertIn("AWS_REGION=us-east-1", text)
            self.assertIn(f"metadata:     port {imds}", text)
            self.assertIn("propagation:  uniform(1s,2s)", text)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_harness/health", timeout=5) as r:
                self.assertEqual(r.status, 200)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_harness/propagation", timeout=5) as r:
                self.assertEqual(json.load(r)["imds"], "uniform(1s,2s)")
            proc.send_signal(sig)
            out, _ = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        self.assertEqual(proc.returncode, 0)
        self.assertIn("harness stopped", out)

    def test_ctrl_c_stops_cleanly(self):
        self.run_and_stop(signal.SIGINT)

    def test_sigterm_stops_cleanly(self):
        self.run_and_stop(signal.SIGTERM)

    def test_bad_port_is_refused_with_one_sentence_and_exit_2(self):
        for port in ("70000", "0", "abc"):
            proc = start("serve", "--ec2-port", port)
            out, _ = proc.communicate(timeout=60)
            self.assertEqual(proc.returncode, 2, out)
            self.assertEqual(out, f"harness serve: --ec2-port must be a port number from 1 to 65535, not '{port}'\n")

    def test_control_api_index_is_served_where_the_banner_points(self):
        port, imds = _free_port(), _free_port()
        proc = start("serve", "--ec2-port", str(port), "--imds-port", str(imds))
        try:
            self.assertIn(f"control API:  http://127.0.0.1:{port}/_harness/", self.banner(proc))
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_harness/", timeout=5) as r:
                self.assertEqual(r.headers.get_content_type(), "application/json")
                listed = {(e["method"], e["path"]) for e in json.load(r)["endpoints"]}
            self.assertIn(("GET", "/_harness/health"), listed)
            self.assertIn(("PUT", "/_harness/propagation"), listed)
            page = urllib.request.Request(f"http://127.0.0.1:{port}/_harness/", headers={"Accept": "text/html"})
            with urllib.request.urlopen(page, timeout=5) as r:
                self.assertEqual(r.headers.get_content_type(), "text/html")
                self.assertIn("/_harness/faults", r.read().decode())
        finally:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=60)

    def test_bad_propagation_spec_is_refused_with_its_position(self):
        proc = start("serve", "--ec2-port", str(_free_port()), "--imds-port", str(_free_port()), "--propagation", "uniform(1s,2x)")
        out, _ = proc.communicate(timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("--propagation", out)
        self.assertIn("position 11", out)
        self.assertIn("uniform(1s,2x)\n             ^", out.replace("\r", ""))

    def test_bad_fault_spec_is_refused_with_its_position(self):
        proc = start("serve", "--ec2-port", str(_free_port()), "--imds-port", str(_free_port()),
                     "--fault", "imds-stuck", "--fault", "imds-error(status=404)")
        out, _ = proc.communicate(timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("--fault: imds-error answers with 500, 503, not 404 at position 18", out)
        self.assertIn("imds-error(status=404)\n                    ^", out.replace("\r", ""))

    def test_ec2_throttling_flag_and_faults_are_in_force_from_the_start(self):
        port, imds = _free_port(), _free_port()
        proc = start("serve", "--ec2-port", str(port), "--imds-port", str(imds), "--ec2-throttling",
                     "--fault", "imds-latency(delay=fixed(10ms), instance=i-0abc)")
        try:
            self.assertIn("faults:       imds-latency(delay=fixed(10ms), instance=i-0abc)", self.banner(proc))
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_harness/faults", timeout=5) as r:
                faults = json.load(r)["faults"]
            self.assertEqual([(f["spec"], f["source"]) for f in faults],
                             [("imds-latency(delay=fixed(10ms), instance=i-0abc)", "serve"), ("ec2-throttle(scale=1)", "serve")])
        finally:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=60)

    def test_ctrl_c_does_not_wait_for_a_request_a_throttle_fault_holds(self):
        port, imds = _free_port(), _free_port()
        proc = start("serve", "--ec2-port", str(port), "--imds-port", str(imds))
        try:
            self.banner(proc)
            ec2 = client(endpoint_url=f"http://127.0.0.1:{port}")
            vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
            iid = ec2.run_instances(ImageId="ami-0123456789abcdef0", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                    SubnetId=subnet)["Instances"][0]["InstanceId"]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_harness/instances/{iid}", timeout=5) as r:
                url = json.load(r)["imdsEndpoint"] + "/latest/meta-data/instance-id"
            body = json.dumps({"spec": f"imds-throttle(pps=1, hold=2m, instance={iid})"}).encode()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/_harness/faults", data=body,
                                             headers={"content-type": "application/json"}, method="POST")
            urllib.request.urlopen(request, timeout=5).close()
            urllib.request.urlopen(url, timeout=5).close()  # the second's one packet
            held = subprocess.Popen(["curl", "-s", "--max-time", "100", url])  # dropped: held for two minutes
            time.sleep(1)
            self.assertIsNone(held.poll(), "the dropped request was answered")
            t0 = time.monotonic()
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=60)
            self.assertLess(time.monotonic() - t0, 15, "serve waited for the held request")
            held.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

    def test_port_in_use_is_refused_in_one_line(self):
        port = _free_port()
        proc = start("serve", "--ec2-port", str(port), "--imds-port", str(port))
        out, _ = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("harness could not start", out)
        self.assertIn("address already in use", out)
        self.assertNotIn("   at ", out)

    def test_unknown_command_is_refused(self):
        proc = start("launch-rockets")
        out, _ = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("launch-rockets", out)


if __name__ == "__main__":
    unittest.main()
