// Instance metadata through the AWS SDK for JavaScript v3's own IMDS client, @aws-sdk/ec2-metadata-service
// (node --test, node >= 20). The EC2 endpoint comes from AWS_ENDPOINT_URL_EC2 (run.sh starts a harness when it is
// not set); each instance's metadata endpoint comes from the control API, GET /_harness/instances/{id}.
//
// The propagation delay is set to fixed(1500ms) through PUT /_harness/propagation for the length of this file and
// put back afterwards. No reset: other test files may share the harness; everything here lives in its own VPC.
//
// MetadataService notes (3.1162): `endpoint` (or AWS_EC2_METADATA_SERVICE_ENDPOINT) may be any URL, port included;
// request() fetches a fresh token (PUT /latest/api/token, TTL 21600) before every GET unless disableFetchToken;
// retries 3 times with 1.2^n s backoff on everything but 400/403/404 (so a 401 is retried: tests pass retries: 0);
// httpOptions.timeout defaults to 0, i.e. none.
//
// MetadataService.request() sends `new URL(endpoint).pathname + path`, so the documented call
// request("/latest/meta-data/instance-id", {}) goes out as GET //latest/meta-data/instance-id; IMDS (and the harness)
// ignore the doubled slash. It also leaves the body of a non-200 answer unread; IMDS closes every connection
// (`Connection: close`), so that does not keep the process alive.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client,
  CreateVpcCommand,
  CreateSubnetCommand,
  RunInstancesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  AssignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import { endpoint, control } from './harness.mjs';

const PROPAGATION = 'fixed(1500ms)';
const MIN_DELAY_MS = 1200; // not visible sooner than this (the model says 1500 ms) ...
const MAX_DELAY_MS = 5000; // ... and visible within this
const POLL_MS = 100;
const AMI = 'ami-0123456789abcdef0';

const client = new EC2Client({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
const send = (command) => client.send(command);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const lines = (text) => (text ? text.split('\n') : []);

/** Polls fn every `interval` ms until it returns truthy; returns that value. */
async function eventually(fn, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(POLL_MS);
  }
  assert.fail(`${what}: not within ${timeoutMs} ms (last ${JSON.stringify(last)})`);
}

/** Polls each probe every 100 ms from t0 on; returns {name: {ms, misses}} once all are true. */
async function watch(probes, t0) {
  const seen = {};
  const misses = Object.fromEntries(Object.keys(probes).map((name) => [name, 0]));
  const deadline = t0 + MAX_DELAY_MS + 1000;
  while (Object.keys(seen).length < Object.keys(probes).length && Date.now() < deadline) {
    for (const [name, probe] of Object.entries(probes)) {
      if (name in seen) continue;
      if (await probe()) seen[name] = { ms: Date.now() - t0, misses: misses[name] };
      else misses[name]++;
    }
    await sleep(POLL_MS);
  }
  for (const name of Object.keys(probes)) {
    assert.ok(name in seen, `${name}: not seen within ${MAX_DELAY_MS} ms (${misses[name]} polls)`);
  }
  return seen;
}

function assertDelayed(name, { ms, misses }, gapMs) {
  assert.ok(ms >= MIN_DELAY_MS, `${name} showed after ${ms} ms: too soon for ${PROPAGATION}`);
  assert.ok(ms - gapMs <= MAX_DELAY_MS, `${name} showed only after ${ms} ms`);
  assert.ok(misses >= 5, `${name}: polled ${misses} times before it showed`);
}

describe('instance metadata with @aws-sdk/ec2-metadata-service', () => {
  let previousSpec;
  let subnetId;

  /** Launches an instance and waits until its metadata serves it; returns the control API's document + its ENI. */
  async function launch(httpTokens) {
    const r = await send(new RunInstancesCommand({
      ImageId: AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId,
      MetadataOptions: { HttpTokens: httpTokens, HttpEndpoint: 'enabled' },
    }));
    const instanceId = r.Instances[0].InstanceId;
    assert.match(instanceId, /^i-[0-9a-f]{17}$/);
    const doc = await eventually(async () => {
      const d = await control('GET', `/_harness/instances/${instanceId}`);
      return d.metadataState === 'running' && d.inSync ? d : undefined;
    }, MAX_DELAY_MS + 5000, `${instanceId} metadata`);
    assert.match(doc.imdsEndpoint, /^http:\/\/127\.\d+\.\d+\.\d+:\d+$/);
    assert.ok(!doc.imdsEndpoint.startsWith('http://127.0.0.1:'), 'each instance has its own loopback address');
    const { Reservations } = await send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const eni = Reservations[0].Instances[0].NetworkInterfaces.find((n) => n.Attachment.DeviceIndex === 0);
    assert.equal(eni.MacAddress, doc.mac);
    return { ...doc, eni };
  }

  const imds = (doc, options = {}) => new MetadataService({ endpoint: doc.imdsEndpoint, httpOptions: { timeout: 2000 }, ...options });
  const eniIps = async (eniId) =>
    (await send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })))
      .NetworkInterfaces[0].PrivateIpAddresses.map((p) => p.PrivateIpAddress);

  before(async () => {
    previousSpec = (await control('GET', '/_harness/propagation')).imds;
    const settings = await control('PUT', '/_harness/propagation', { imds: PROPAGATION });
    assert.equal(settings.imds, PROPAGATION);
    const vpc = await send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    const subnet = await send(new CreateSubnetCommand({
      VpcId: vpc.Vpc.VpcId, CidrBlock: '10.20.1.0/24', AvailabilityZone: 'us-east-1a',
    }));
    subnetId = subnet.Subnet.SubnetId;
  });

  after(async () => {
    if (previousSpec) await control('PUT', '/_harness/propagation', { imds: previousSpec });
  });

  test('IMDSv2 on an instance with HttpTokens=required: token, instance-id, mac, local-ipv4s', async () => {
    const doc = await launch('required');
    const ms = imds(doc);
    const token = await ms.fetchMetadataToken();
    assert.ok(typeof token === 'string' && token.length > 0 && !token.includes('<'), `token ${token}`);
    assert.equal(await ms.request('/latest/meta-data/instance-id', {}), doc.instanceId);
    assert.equal(await ms.request('/latest/meta-data/mac', {}), doc.mac);
    assert.deepEqual(lines(await ms.request(`/latest/meta-data/network/interfaces/macs/${doc.mac}/local-ipv4s`, {})),
      [doc.eni.PrivateIpAddress]);
    assert.equal(await ms.request(`/latest/meta-data/network/interfaces/macs/${doc.mac}/interface-id`, {}),
      doc.eni.NetworkInterfaceId);
    assert.equal(await ms.request('/latest/meta-data/placement/availability-zone', {}), 'us-east-1a');
    const identity = JSON.parse(await ms.request('/latest/dynamic/instance-identity/document', {}));
    assert.equal(identity.instanceId, doc.instanceId);
    assert.equal(identity.privateIp, doc.eni.PrivateIpAddress);
    assert.equal(identity.region, 'us-east-1');

    // Without the token flow the instance refuses (401).
    await assert.rejects(
      imds(doc, { disableFetchToken: true, retries: 0 }).request('/latest/meta-data/instance-id', {}),
      (err) => err.$metadata?.httpStatusCode === 401,
    );
    // A TTL beyond 21600 s is refused (400) on the token PUT.
    await assert.rejects(imds(doc, { tokenTtl: 21601, retries: 0 }).fetchMetadataToken(), /status code 400/);
  });

  test('the endpoint from AWS_EC2_METADATA_SERVICE_ENDPOINT; IMDSv1 where tokens are optional', async () => {
    const doc = await launch('optional');
    const saved = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = doc.imdsEndpoint;
    try {
      const ms = new MetadataService({ httpOptions: { timeout: 2000 } });
      assert.equal((await ms.config).endpoint, doc.imdsEndpoint);
      assert.equal(await ms.request('/latest/meta-data/instance-id', {}), doc.instanceId);
      const v1 = new MetadataService({ disableFetchToken: true, retries: 0, httpOptions: { timeout: 2000 } });
      assert.equal(await v1.request('/latest/meta-data/instance-id', {}), doc.instanceId);
    } finally {
      if (saved === undefined) delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
      else process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = saved;
    }
  });

  // A container publishes one metadata port for every instance: metadataUrl names the instance by path. MetadataService
  // keeps the path on its GETs but puts its token request at the root (PUT /latest/api/token, the path dropped); the
  // harness issues that one as the shared address's token, good for every instance reached through a path.
  test('through one address, the base URL\'s path names the instance', async () => {
    const doc = await launch('required');
    const port = new URL(doc.imdsEndpoint).port;
    assert.equal(doc.metadataUrl, `http://127.0.0.1:${port}/${doc.instanceId}/`);
    for (const base of [doc.metadataUrl, doc.metadataUrl.replace(/\/$/, '')]) {
      const ms = new MetadataService({ endpoint: base, httpOptions: { timeout: 2000 }, retries: 0 });
      assert.equal(await ms.request('/latest/meta-data/instance-id', {}), doc.instanceId, base);
      assert.equal(await ms.request('/latest/meta-data/mac', {}), doc.mac, base);
    }
  });

  test(`a new secondary address shows in local-ipv4s only after the delay (${PROPAGATION})`, async () => {
    const doc = await launch('required');
    const ms = imds(doc);
    const path = `/latest/meta-data/network/interfaces/macs/${doc.mac}/local-ipv4s`;
    assert.deepEqual(lines(await ms.request(path, {})), [doc.eni.PrivateIpAddress]);

    const t0 = Date.now();
    await send(new AssignPrivateIpAddressesCommand({
      NetworkInterfaceId: doc.eni.NetworkInterfaceId, PrivateIpAddresses: ['10.20.1.77'],
    }));
    const gap = Date.now() - t0;
    assert.ok((await eniIps(doc.eni.NetworkInterfaceId)).includes('10.20.1.77'), 'EC2 shows it at once');
    const state = await control('GET', `/_harness/instances/${doc.instanceId}`);
    assert.equal(state.inSync, false);
    assert.ok(state.pendingChanges >= 1, JSON.stringify(state));

    const seen = await watch({ 'local-ipv4s': async () => lines(await ms.request(path, {})).includes('10.20.1.77') }, t0);
    assertDelayed('local-ipv4s', seen['local-ipv4s'], gap);
    assert.deepEqual(lines(await ms.request(path, {})), [doc.eni.PrivateIpAddress, '10.20.1.77'], 'primary first');
  });

  test('AllowReassignment moves an address: the new owner gains it and the old one drops it after the delay', async () => {
    const a = await launch('required');
    const b = await launch('required');
    const ip = '10.20.1.88';
    const local = (doc) => async () =>
      lines(await imds(doc).request(`/latest/meta-data/network/interfaces/macs/${doc.mac}/local-ipv4s`, {}));
    await send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: a.eni.NetworkInterfaceId, PrivateIpAddresses: [ip] }));
    await eventually(async () => (await local(a)()).includes(ip), MAX_DELAY_MS, `${ip} on A`);

    const t0 = Date.now();
    await send(new AssignPrivateIpAddressesCommand({
      NetworkInterfaceId: b.eni.NetworkInterfaceId, PrivateIpAddresses: [ip], AllowReassignment: true,
    }));
    const gap = Date.now() - t0;
    assert.ok((await eniIps(b.eni.NetworkInterfaceId)).includes(ip), 'EC2 has it on B at once');
    assert.ok(!(await eniIps(a.eni.NetworkInterfaceId)).includes(ip), 'and no longer on A');

    const seen = await watch({
      'B gains it': async () => (await local(b)()).includes(ip),
      'A drops it': async () => !(await local(a)()).includes(ip),
    }, t0);
    for (const [name, result] of Object.entries(seen)) assertDelayed(name, result, gap);
    assert.deepEqual(await local(b)(), [b.eni.PrivateIpAddress, ip]);
    assert.deepEqual(await local(a)(), [a.eni.PrivateIpAddress]);
  });

  test('documented form request("/latest/meta-data/instance-id", {}) (GET //latest/...)', async () => {
    const doc = await launch('required');
    assert.equal(await imds(doc, { retries: 0 }).request('/latest/meta-data/instance-id', {}), doc.instanceId);
    assert.ok(lines(await imds(doc, { retries: 0 }).request('/latest/meta-data/', {})).includes('instance-id'));
  });
});
