// ENIs and their secondary private IPs (ECS 2014-05-26) through @alicloud/ecs20140526 (ACS3) and pop-core (HMAC-SHA1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ecs, Vpc, ecs, vpc, pop, region, endpoint, network, eni, describeEni, failure, waitFor } from './harness.mjs';

const assign = (networkInterfaceId, fields) =>
  ecs.assignPrivateIpAddresses(new Ecs.AssignPrivateIpAddressesRequest({ regionId: region, networkInterfaceId, ...fields }));
const unassign = (networkInterfaceId, privateIpAddress) =>
  ecs.unassignPrivateIpAddresses(new Ecs.UnassignPrivateIpAddressesRequest({ regionId: region, networkInterfaceId, privateIpAddress }));
const ips = e => e.privateIpSets.privateIpSet.map(s => s.privateIpAddress);

test('CreateNetworkInterface makes an Available Secondary ENI with a MAC under 00:16:3e and its primary address', async () => {
  const net = await network(1);
  const created = await eni(net, { networkInterfaceName: 'vip-holder', description: 'for the VIP', primaryIpAddress: '10.1.1.1' });
  assert.match(created.networkInterfaceId, /^eni-bp[a-z0-9]{18}$/);
  assert.match(created.macAddress, /^00:16:3e(:[0-9a-f]{2}){3}$/);
  assert.equal(created.status, 'Available');
  assert.equal(created.type, 'Secondary');
  // .1 is usable on Alibaba: a vSwitch reserves only its first address and its last three.
  assert.equal(created.privateIpAddress, '10.1.1.1');
  const shown = await describeEni(created.networkInterfaceId);
  assert.equal(shown.networkInterfaceName, 'vip-holder');
  assert.equal(shown.description, 'for the VIP');
  assert.equal(shown.vSwitchId, net.vSwitchId);
  assert.equal(shown.vpcId, net.vpcId);
  assert.equal(shown.zoneId, 'cn-hangzhou-h');
  assert.deepEqual(shown.securityGroupIds.securityGroupId, [net.securityGroupId]);
  assert.deepEqual(shown.privateIpSets.privateIpSet.map(s => [s.privateIpAddress, s.primary]), [['10.1.1.1', true]]);
});

test('the failover: unassign from one ENI, assign to the other; Describe shows the address on one ENI only', async () => {
  const net = await network(2);
  const a = await eni(net);
  const b = await eni(net);
  const given = await assign(a.networkInterfaceId, { privateIpAddress: ['10.2.1.100'] });
  assert.equal(given.statusCode, 200);
  assert.deepEqual(given.body.assignedPrivateIpAddressesSet.privateIpSet.privateIpAddress, ['10.2.1.100']);
  assert.equal(given.body.assignedPrivateIpAddressesSet.networkInterfaceId, a.networkInterfaceId);

  // No AllowReassignment on Alibaba: an address another ENI holds is refused.
  const taken = await failure(assign(b.networkInterfaceId, { privateIpAddress: ['10.2.1.100'] }));
  assert.equal(taken.code, 'InvalidPrivateIpAddress.Duplicated');
  assert.equal(taken.status, 400);

  await unassign(a.networkInterfaceId, ['10.2.1.100']);
  await assign(b.networkInterfaceId, { privateIpAddress: ['10.2.1.100'] });
  assert.ok(!ips(await describeEni(a.networkInterfaceId)).includes('10.2.1.100'));
  assert.ok(ips(await describeEni(b.networkInterfaceId)).includes('10.2.1.100'));
  const holders = await ecs.describeNetworkInterfaces(new Ecs.DescribeNetworkInterfacesRequest({ regionId: region, privateIpAddress: ['10.2.1.100'] }));
  assert.deepEqual(holders.body.networkInterfaceSets.networkInterfaceSet.map(e => e.networkInterfaceId), [b.networkInterfaceId]);
});

test('SecondaryPrivateIpAddressCount draws free addresses; the vSwitch and the ENI limits give Alibaba codes', async () => {
  const net = await network(3);
  const a = await eni(net);
  const drawn = await assign(a.networkInterfaceId, { secondaryPrivateIpAddressCount: 3 });
  const addresses = drawn.body.assignedPrivateIpAddressesSet.privateIpSet.privateIpAddress;
  assert.equal(addresses.length, 3);
  assert.deepEqual(ips(await describeEni(a.networkInterfaceId)).slice(1), addresses);

  // An Available ENI holds 50 addresses with its primary (the ECS SDK's text: 49 secondaries).
  await assign(a.networkInterfaceId, { secondaryPrivateIpAddressCount: 46 });
  const over = await failure(assign(a.networkInterfaceId, { secondaryPrivateIpAddressCount: 1 }));
  assert.equal(over.code, 'MaxEniPrivateIpsCountExceeded');
  assert.equal(over.status, 403);

  // A /29 vSwitch has four usable addresses.
  const small = await vpc.createVSwitch(new Vpc.CreateVSwitchRequest({ regionId: region, vpcId: net.vpcId, zoneId: 'cn-hangzhou-h', cidrBlock: '10.3.9.0/29' }));
  const b = await eni({ ...net, vSwitchId: small.body.vSwitchId });
  await assign(b.networkInterfaceId, { secondaryPrivateIpAddressCount: 3 });
  const full = await failure(assign(b.networkInterfaceId, { secondaryPrivateIpAddressCount: 1 }));
  assert.equal(full.code, 'InvalidVSwitchId.IpNotEnough');
  assert.equal(full.status, 403);
  assert.deepEqual(ips(await describeEni(b.networkInterfaceId)).sort(), ['10.3.9.1', '10.3.9.2', '10.3.9.3', '10.3.9.4']);
});

test('every error code of Assign and Unassign the reference lists for bad input', async () => {
  const net = await network(4);
  const a = await eni(net);
  const id = a.networkInterfaceId;
  const cases = [
    [() => assign('nic-123', { secondaryPrivateIpAddressCount: 1 }), 'InvalidEniId.Malformed', 400],
    [() => assign('eni-bp1nosuchinterface0', { secondaryPrivateIpAddressCount: 1 }), 'InvalidEniId.NotFound', 404],
    [() => assign(id, {}), 'MissingParameter', 403],
    [() => assign(id, { privateIpAddress: ['10.4.1.9'], secondaryPrivateIpAddressCount: 1 }), 'InvalidParameter.Conflict', 400],
    [() => assign(id, { privateIpAddress: ['10.4.1.999'] }), 'InvalidPrivateIpAddress.Malformed', 400],
    [() => assign(id, { privateIpAddress: ['10.4.1.255'] }), 'InvalidVSwitchId.IpInvalid', 403],
    [() => assign(id, { privateIpAddress: ['10.4.2.10'] }), 'InvalidVSwitchId.IpInvalid', 403],
    [() => assign(id, { secondaryPrivateIpAddressCount: 0 }), 'InvalidSecondaryPrivateIpAddressCount.Malformed', 400],
    [() => unassign(id, ['10.4.1.77']), 'InvalidIp.IpUnassigned', 403],
    [() => unassign(id, [a.privateIpAddress]), 'InvalidParameter', 400],
  ];
  for (const [call, code, status] of cases) {
    const error = await failure(call());
    assert.equal(error.code, code, error.message);
    assert.equal(error.status, status, code);
    assert.equal(error.data.Code, code);
    assert.match(error.data.RequestId, /^[0-9A-F-]{36}$/);
    assert.equal(error.data.HostId, 'ecs.aliyuncs.com');
  }
  assert.deepEqual(ips(await describeEni(id)), [a.privateIpAddress], 'a refused call changes nothing');
});

test('ClientToken: a retry gets the first answer, other parameters with the same token are refused', async () => {
  const net = await network(5);
  const a = await eni(net);
  const first = await assign(a.networkInterfaceId, { secondaryPrivateIpAddressCount: 2, clientToken: 'retry-1' });
  const again = await assign(a.networkInterfaceId, { secondaryPrivateIpAddressCount: 2, clientToken: 'retry-1' });
  assert.deepEqual(again.body.assignedPrivateIpAddressesSet, first.body.assignedPrivateIpAddressesSet);
  assert.equal(ips(await describeEni(a.networkInterfaceId)).length, 3, 'the retry assigned nothing more');
  const other = await failure(assign(a.networkInterfaceId, { secondaryPrivateIpAddressCount: 5, clientToken: 'retry-1' }));
  assert.equal(other.code, 'IdempotentParameterMismatch');

  const made = await eni(net, { clientToken: 'eni-once' });
  const remade = await eni(net, { clientToken: 'eni-once' });
  assert.equal(remade.networkInterfaceId, made.networkInterfaceId);
});

test('pop-core signs HMAC-SHA1 by GET and by form POST; both assign and describe', async () => {
  const net = await network(6);
  const a = await eni(net);
  const client = pop('2014-05-26');
  const byGet = await client.request('AssignPrivateIpAddresses', { RegionId: region, NetworkInterfaceId: a.networkInterfaceId, PrivateIpAddress: ['10.6.1.20', '10.6.1.21'] });
  assert.deepEqual(byGet.AssignedPrivateIpAddressesSet.PrivateIpSet.PrivateIpAddress, ['10.6.1.20', '10.6.1.21']);
  const byPost = await client.request('AssignPrivateIpAddresses', { RegionId: region, NetworkInterfaceId: a.networkInterfaceId, SecondaryPrivateIpAddressCount: 1 }, { method: 'POST' });
  assert.equal(byPost.AssignedPrivateIpAddressesSet.PrivateIpSet.PrivateIpAddress.length, 1);
  const shown = await client.request('DescribeNetworkInterfaceAttribute', { RegionId: region, NetworkInterfaceId: a.networkInterfaceId });
  assert.equal(shown.NetworkInterfaceId, a.networkInterfaceId);
  assert.equal(shown.PrivateIpSets.PrivateIpSet.length, 4);
  await client.request('UnassignPrivateIpAddresses', { RegionId: region, NetworkInterfaceId: a.networkInterfaceId, PrivateIpAddress: ['10.6.1.20'] }, { method: 'POST' });
  const after = await client.request('DescribeNetworkInterfaces', { RegionId: region, NetworkInterfaceId: [a.networkInterfaceId] });
  assert.deepEqual(after.NetworkInterfaceSets.NetworkInterfaceSet[0].PrivateIpSets.PrivateIpSet.map(s => s.PrivateIpAddress).includes('10.6.1.20'), false);
});

test('DescribeNetworkInterfaces pages by NextToken and by PageNumber, every ENI once', async () => {
  const other = 'cn-beijing';
  const v = await vpc.createVpc(new Vpc.CreateVpcRequest({ regionId: other, cidrBlock: '10.7.0.0/16' }));
  const sw = await vpc.createVSwitch(new Vpc.CreateVSwitchRequest({ regionId: other, vpcId: v.body.vpcId, zoneId: 'cn-beijing-g', cidrBlock: '10.7.1.0/24' }));
  const sg = await ecs.createSecurityGroup(new Ecs.CreateSecurityGroupRequest({ regionId: other, vpcId: v.body.vpcId }));
  const made = [];
  for (let i = 0; i < 23; i++) {
    const e = await ecs.createNetworkInterface(new Ecs.CreateNetworkInterfaceRequest({ regionId: other, vSwitchId: sw.body.vSwitchId, securityGroupId: sg.body.securityGroupId }));
    made.push(e.body.networkInterfaceId);
  }
  assert.ok(made.every(id => id.startsWith('eni-2ze')), 'cn-beijing ids start with its code 2ze');

  const seen = [];
  let nextToken;
  do {
    const page = await ecs.describeNetworkInterfaces(new Ecs.DescribeNetworkInterfacesRequest({ regionId: other, maxResults: 10, nextToken }));
    seen.push(...page.body.networkInterfaceSets.networkInterfaceSet.map(e => e.networkInterfaceId));
    nextToken = page.body.nextToken;
  } while (nextToken);
  assert.deepEqual(seen, made);

  const byNumber = await ecs.describeNetworkInterfaces(new Ecs.DescribeNetworkInterfacesRequest({ regionId: other, pageNumber: 3, pageSize: 10 }));
  assert.equal(byNumber.body.totalCount, 23);
  assert.deepEqual(byNumber.body.networkInterfaceSets.networkInterfaceSet.map(e => e.networkInterfaceId), made.slice(20));
});

test('ModifyNetworkInterfaceAttribute and DeleteNetworkInterface', async () => {
  const net = await network(8);
  const a = await eni(net);
  await ecs.modifyNetworkInterfaceAttribute(new Ecs.ModifyNetworkInterfaceAttributeRequest({
    regionId: region, networkInterfaceId: a.networkInterfaceId, networkInterfaceName: 'renamed', description: 'new words',
  }));
  const shown = await ecs.describeNetworkInterfaceAttribute(new Ecs.DescribeNetworkInterfaceAttributeRequest({ regionId: region, networkInterfaceId: a.networkInterfaceId }));
  assert.equal(shown.body.networkInterfaceName, 'renamed');
  assert.equal(shown.body.description, 'new words');

  await ecs.deleteNetworkInterface(new Ecs.DeleteNetworkInterfaceRequest({ regionId: region, networkInterfaceId: a.networkInterfaceId }));
  const attribute = () => ecs.describeNetworkInterfaceAttribute(new Ecs.DescribeNetworkInterfaceAttributeRequest({ regionId: region, networkInterfaceId: a.networkInterfaceId }));
  assert.equal((await attribute()).body.status, 'Deleting');
  const again = await failure(ecs.deleteNetworkInterface(new Ecs.DeleteNetworkInterfaceRequest({ regionId: region, networkInterfaceId: a.networkInterfaceId })));
  assert.equal(again.code, 'InvalidOperation.InvalidEniState');
  await waitFor(async () => (await attribute().then(() => 'Deleting', e => e.code)), 'InvalidEniId.NotFound');
  const listed = await ecs.describeNetworkInterfaces(new Ecs.DescribeNetworkInterfacesRequest({ regionId: region, vSwitchId: net.vSwitchId }));
  assert.equal(listed.body.networkInterfaceSets.networkInterfaceSet.length, 0);
});

test('Format=XML answers in XML, success and error alike', async () => {
  const base = `http://${endpoint}/?Version=2016-04-28&RegionId=${region}&Format=XML`;
  const ok = await fetch(`${base}&Action=DescribeVpcs&PageSize=1`);
  assert.equal(ok.status, 200);
  const text = await ok.text();
  assert.match(text, /^<\?xml[^>]*\?><DescribeVpcsResponse><RequestId>[0-9A-F-]{36}<\/RequestId>/);
  assert.match(text, /<Vpcs><Vpc><VpcId>vpc-/);
  const bad = await fetch(`${base}&Action=CreateVSwitch&VpcId=vpc-bp1none&ZoneId=cn-hangzhou-h&CidrBlock=10.0.0.0/24`);
  assert.equal(bad.status, 404);
  assert.equal(bad.headers.get('content-type'), 'text/xml;charset=utf-8');
  assert.match(await bad.text(), /<Error><RequestId>[^<]+<\/RequestId><HostId>vpc\.aliyuncs\.com<\/HostId><Code>InvalidVpcId\.NotFound<\/Code>/);
});
