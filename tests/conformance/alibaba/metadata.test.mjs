// An Alibaba instance's metadata service: Alibaba's tree and hardened mode, lagging behind the ECS API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ecs, ecs, region, network, eni, describeInstance, run, waitFor, control, imdsOf } from './harness.mjs';

const TOKEN = 'X-aliyun-ecs-metadata-token';
const TTL = 'X-aliyun-ecs-metadata-token-ttl-seconds';

async function read(base, path, headers = {}) {
  const response = await fetch(base + path, { headers });
  return { status: response.status, body: await response.text() };
}

async function token(base, ttl = '60', extra = {}) {
  const response = await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { [TTL]: ttl, ...extra } });
  return { status: response.status, body: await response.text() };
}

async function runningInstance(octet, extra) {
  const net = await network(octet);
  const [id] = await run(net, extra);
  await waitFor(async () => (await describeInstance(id)).status, 'Running');
  return { net, id, base: await imdsOf(id), instance: await describeInstance(id) };
}

test("the tree: Alibaba's leaves and listings, the ENI's private-ipv4s as a JSON array", async () => {
  const { net, id, base, instance } = await runningInstance(30, { hostName: 'db-1' });
  const primary = instance.networkInterfaces.networkInterface[0];
  assert.match(base, /^http:\/\/127\.\d+\.\d+\.\d+:\d+$/);
  assert.equal((await read(base, '/')).body, '2016-01-01\nlatest');
  const top = (await read(base, '/latest/meta-data/')).body.split('\n');
  for (const name of ['instance-id', 'region-id', 'zone-id', 'vpc-id', 'vswitch-id', 'mac', 'private-ipv4', 'network/', 'instance/']) {
    assert.ok(top.includes(name), `${name} in ${top}`);
  }
  const leaf = async path => (await read(base, `/latest/meta-data/${path}`)).body;
  assert.equal(await leaf('instance-id'), id);
  assert.equal(await leaf('region-id'), region);
  assert.equal(await leaf('zone-id'), 'cn-hangzhou-h');
  assert.equal(await leaf('hostname'), 'db-1');
  assert.equal(await leaf('vpc-id'), net.vpcId);
  assert.equal(await leaf('vswitch-id'), net.vSwitchId);
  assert.equal(await leaf('vswitch-cidr-block'), '10.30.1.0/24');
  assert.equal(await leaf('vpc-cidr-block'), '10.30.0.0/16');
  assert.equal(await leaf('instance/instance-type'), 'ecs.g7.large');
  assert.equal(await leaf('mac'), primary.macAddress);
  assert.equal(await leaf('private-ipv4'), primary.primaryIpAddress);
  assert.equal(await leaf('network/interfaces/macs/'), `${primary.macAddress}/`);
  const mac = `network/interfaces/macs/${primary.macAddress}`;
  assert.equal(await leaf(`${mac}/network-interface-id`), primary.networkInterfaceId);
  assert.deepEqual(JSON.parse(await leaf(`${mac}/private-ipv4s`)), [primary.primaryIpAddress]);
  assert.equal(await leaf(`${mac}/netmask`), '255.255.255.0');
  assert.equal(await leaf(`${mac}/gateway`), '10.30.1.253');
  assert.equal((await read(base, '/2016-01-01/meta-data/instance-id')).body, id);
  assert.equal((await read(base, '/latest/meta-data/no-such-leaf')).status, 404);
  assert.equal((await read(base, '/latest/user-data')).status, 404);
  const document = JSON.parse((await read(base, '/latest/dynamic/instance-identity/document')).body);
  assert.equal(document['instance-id'], id);
  assert.equal(document['region-id'], region);
  assert.equal(document['private-ip'], primary.primaryIpAddress);
});

test('hardened mode: token PUT with the TTL header, 401 for a bad token, 400 for a bad TTL, 403 when forwarded or required', async () => {
  const { base } = await runningInstance(31);
  const issued = await token(base, '21600');
  assert.equal(issued.status, 200);
  assert.ok(issued.body.length > 20);
  assert.equal((await read(base, '/latest/meta-data/instance-id', { [TOKEN]: issued.body })).status, 200);
  assert.equal((await read(base, '/latest/meta-data/instance-id', { [TOKEN]: 'forged' })).status, 401);
  assert.equal((await token(base, '0')).status, 400);
  assert.equal((await token(base, '21601')).status, 400);
  assert.equal((await token(base, '60', { 'X-Forwarded-For': '10.0.0.9' })).status, 403);
  assert.equal((await read(base, '/latest/meta-data/instance-id')).status, 200, 'optional by default: no token is fine');

  const required = await runningInstance(32, { httpTokens: 'required' });
  assert.equal((await read(required.base, '/latest/meta-data/instance-id')).status, 403);
  const ok = await token(required.base);
  assert.equal((await read(required.base, '/latest/meta-data/instance-id', { [TOKEN]: ok.body })).body, required.id);
  assert.equal((await read(required.base, '/latest/meta-data/instance-id', { [TOKEN]: issued.body })).status, 401, "another instance's token");
});

test('the remap the harness exists for: the API changes at once, the metadata later', async () => {
  const a = await runningInstance(33);
  const eniA = a.instance.networkInterfaces.networkInterface[0];
  // The same network for the second instance: the address moves between two ENIs of one vSwitch.
  const [bId] = await ecs.runInstances(new Ecs.RunInstancesRequest({
    regionId: region, vSwitchId: a.net.vSwitchId, securityGroupId: a.net.securityGroupId, instanceType: 'ecs.g7.large',
  })).then(r => r.body.instanceIdSets.instanceIdSet);
  await waitFor(async () => (await describeInstance(bId)).status, 'Running');
  const b = { id: bId, base: await imdsOf(bId), instance: await describeInstance(bId) };
  const eniB = b.instance.networkInterfaces.networkInterface[0];
  const ipsOf = async (base, mac) => JSON.parse((await read(base, `/latest/meta-data/network/interfaces/macs/${mac}/private-ipv4s`)).body);

  await ecs.assignPrivateIpAddresses(new Ecs.AssignPrivateIpAddressesRequest({ regionId: region, networkInterfaceId: eniA.networkInterfaceId, privateIpAddress: ['10.33.1.200'] }));
  await waitFor(async () => (await ipsOf(a.base, eniA.macAddress)).includes('10.33.1.200') ? 'seen' : 'not yet', 'seen');

  for (const id of [a.id, b.id]) {
    await control('PUT', `/_harness/propagation/instances/${id}`, { imds: 'fixed(1500ms)' });
  }
  await ecs.unassignPrivateIpAddresses(new Ecs.UnassignPrivateIpAddressesRequest({ regionId: region, networkInterfaceId: eniA.networkInterfaceId, privateIpAddress: ['10.33.1.200'] }));
  await ecs.assignPrivateIpAddresses(new Ecs.AssignPrivateIpAddressesRequest({ regionId: region, networkInterfaceId: eniB.networkInterfaceId, privateIpAddress: ['10.33.1.200'] }));
  const moved = Date.now();
  assert.ok(!(await ipsOf(b.base, eniB.macAddress)).includes('10.33.1.200'), "B's metadata does not show the address yet");
  assert.ok((await ipsOf(a.base, eniA.macAddress)).includes('10.33.1.200'), "A's metadata still shows it");
  await waitFor(async () => (await ipsOf(b.base, eniB.macAddress)).includes('10.33.1.200') ? 'seen' : 'not yet', 'seen');
  assert.ok(Date.now() - moved >= 1000, `B saw it after ${Date.now() - moved} ms, expected about 1500`);
  assert.ok(!(await ipsOf(a.base, eniA.macAddress)).includes('10.33.1.200'));
});

test('an attached ENI appears under macs/ once its change reaches the metadata', async () => {
  const { net, id, base } = await runningInstance(34);
  const extra = await eni(net);
  await ecs.attachNetworkInterface(new Ecs.AttachNetworkInterfaceRequest({ regionId: region, networkInterfaceId: extra.networkInterfaceId, instanceId: id }));
  await waitFor(async () => (await read(base, '/latest/meta-data/network/interfaces/macs/')).body.includes(extra.macAddress) ? 'listed' : 'not yet', 'listed');
  assert.equal((await read(base, `/latest/meta-data/network/interfaces/macs/${extra.macAddress}/network-interface-id`)).body, extra.networkInterfaceId);
});

test('ModifyInstanceMetadataOptions makes tokens required; DescribeInstanceAttribute and DescribeInstances show it', async () => {
  const { id, base } = await runningInstance(35);
  assert.equal((await read(base, '/latest/meta-data/instance-id')).status, 200);
  await ecs.modifyInstanceMetadataOptions(new Ecs.ModifyInstanceMetadataOptionsRequest({ regionId: region, instanceId: id, httpTokens: 'required' }));
  assert.equal((await read(base, '/latest/meta-data/instance-id')).status, 403);
  const attribute = await ecs.describeInstanceAttribute(new Ecs.DescribeInstanceAttributeRequest({ instanceId: id }));
  assert.equal(attribute.body.instanceId, id);
  assert.equal((await describeInstance(id)).metadataOptions.httpTokens, 'required');
  const bad = await ecs.modifyInstanceMetadataOptions(new Ecs.ModifyInstanceMetadataOptionsRequest({ regionId: region, instanceId: id, httpTokens: 'always' })).catch(e => e);
  assert.equal(bad.code, 'InvalidParameter');
});

test('meta-data/all is the tree as one JSON object, as cloud-init 25.1 and later read it', async () => {
  const { id, base, instance } = await runningInstance(36, { hostName: 'all-1' });
  const primary = instance.networkInterfaces.networkInterface[0];
  const reply = await read(base, '/2016-01-01/meta-data/all');
  assert.equal(reply.status, 200);
  const all = JSON.parse(reply.body);
  assert.equal(all['instance-id'], id);
  assert.equal(all.hostname, 'all-1');
  assert.equal(all['private-ipv4'], primary.primaryIpAddress);
  assert.equal(all['dns-conf'].nameservers, (await read(base, '/latest/meta-data/dns-conf/nameservers')).body);
  const nic = all.network.interfaces.macs[primary.macAddress];
  assert.equal(nic['network-interface-id'], primary.networkInterfaceId);
  assert.deepEqual(JSON.parse(nic['private-ipv4s']), [primary.primaryIpAddress]);
});

test('ram/security-credentials serves the RAM role RunInstances gave, in the shape the credentials SDKs read', async () => {
  const { base } = await runningInstance(37, { ramRoleName: 'EcsWebRole' });
  assert.equal((await read(base, '/latest/meta-data/ram/security-credentials/')).body, 'EcsWebRole');
  const first = await read(base, '/latest/meta-data/ram/security-credentials/EcsWebRole');
  assert.equal(first.status, 200);
  const credentials = JSON.parse(first.body);
  assert.equal(credentials.Code, 'Success');
  assert.match(credentials.AccessKeyId, /^STS\./);
  assert.ok(credentials.AccessKeySecret.length >= 32);
  assert.ok(credentials.SecurityToken.length > 100);
  const expires = Date.parse(credentials.Expiration);
  assert.ok(expires - Date.parse(credentials.LastUpdated) === 6 * 3600 * 1000, `${credentials.LastUpdated} → ${credentials.Expiration}`);
  assert.equal((await read(base, '/latest/meta-data/ram/security-credentials/EcsWebRole')).body, first.body);
  assert.equal((await read(base, '/latest/meta-data/ram/security-credentials/OtherRole')).status, 404);
  assert.equal(JSON.parse((await read(base, '/latest/meta-data/all')).body).ram, undefined);

  const { base: roleless } = await runningInstance(38);
  assert.equal((await read(roleless, '/latest/meta-data/ram/security-credentials/')).status, 404);
});
