// The VPC API (2016-04-28) through @alicloud/vpc20160428 (ACS3 signing) and pop-core (HMAC-SHA1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vpc, vpc, pop, region, failure } from './harness.mjs';

test('CreateVpc and CreateVSwitch give Alibaba-shaped ids that DescribeVpcs and DescribeVSwitches list', async () => {
  const created = await vpc.createVpc(new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: '10.200.0.0/16', vpcName: 'blue' }));
  assert.match(created.body.vpcId, /^vpc-bp[a-z0-9]{18}$/);
  const sw = await vpc.createVSwitch(new Vpc.CreateVSwitchRequest({
    regionId: region, vpcId: created.body.vpcId, zoneId: 'cn-hangzhou-i', cidrBlock: '10.200.3.0/24', vSwitchName: 'web',
  }));
  assert.match(sw.body.vSwitchId, /^vsw-bp[a-z0-9]{18}$/);

  const vpcs = await vpc.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region, vpcId: created.body.vpcId }));
  assert.equal(vpcs.body.totalCount, 1);
  const shown = vpcs.body.vpcs.vpc[0];
  assert.equal(shown.cidrBlock, '10.200.0.0/16');
  assert.equal(shown.vpcName, 'blue');
  assert.equal(shown.status, 'Available');
  assert.deepEqual(shown.vSwitchIds.vSwitchId, [sw.body.vSwitchId]);

  const switches = await vpc.describeVSwitches(new Vpc.DescribeVSwitchesRequest({ regionId: region, vpcId: created.body.vpcId }));
  const s = switches.body.vSwitches.vSwitch[0];
  assert.equal(s.vSwitchId, sw.body.vSwitchId);
  assert.equal(s.zoneId, 'cn-hangzhou-i');
  assert.equal(s.vSwitchName, 'web');
  // A /24 less Alibaba's four reserved addresses (the first and the last three).
  assert.equal(s.availableIpAddressCount, 252);
});

test('vSwitch CIDRs outside the VPC, overlapping or of a bad size are refused with the VPC API codes', async () => {
  const created = await vpc.createVpc(new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: '10.201.0.0/16' }));
  const make = (cidrBlock, zoneId = 'cn-hangzhou-h') => vpc.createVSwitch(new Vpc.CreateVSwitchRequest({
    regionId: region, vpcId: created.body.vpcId, zoneId, cidrBlock,
  }));
  await make('10.201.0.0/29'); // /29 is Alibaba's smallest (EC2 stops at /28)
  const outside = await failure(make('10.9.0.0/24'));
  assert.equal(outside.code, 'InvalidCidrBlock.Malformed');
  assert.equal(outside.status, 400);
  const tooSmall = await failure(make('10.201.1.0/30'));
  assert.equal(tooSmall.code, 'InvalidCidrBlock.Malformed');
  const overlap = await failure(make('10.201.0.0/24'));
  assert.equal(overlap.code, 'InvalidCidrBlock.Overlapped');
  const zone = await failure(make('10.201.2.0/24', 'us-east-1a'));
  assert.equal(zone.code, 'InvalidZoneId.NotFound');
  const noVpc = await failure(vpc.createVSwitch(new Vpc.CreateVSwitchRequest({
    regionId: region, vpcId: 'vpc-bp1doesnotexist000', zoneId: 'cn-hangzhou-h', cidrBlock: '10.0.0.0/24',
  })));
  assert.equal(noVpc.code, 'InvalidVpcId.NotFound');
  assert.equal(noVpc.status, 404);
});

test('DescribeVpcs pages by number', async () => {
  const other = 'cn-shanghai'; // a region of its own, so the count is this test's
  for (let i = 0; i < 3; i++) {
    await vpc.createVpc(new Vpc.CreateVpcRequest({ regionId: other, cidrBlock: `10.${i}.0.0/16` }));
  }
  const first = await vpc.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: other, pageSize: 2, pageNumber: 1 }));
  const second = await vpc.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: other, pageSize: 2, pageNumber: 2 }));
  assert.equal(first.body.totalCount, 3);
  assert.equal(first.body.vpcs.vpc.length, 2);
  assert.equal(second.body.vpcs.vpc.length, 1);
  const ids = [...first.body.vpcs.vpc, ...second.body.vpcs.vpc].map(v => v.vpcId);
  assert.equal(new Set(ids).size, 3);
  assert.ok(ids.every(id => id.startsWith('vpc-uf6')), 'cn-shanghai ids start with its code uf6');
});

test('pop-core (HMAC-SHA1, GET) reaches the VPC API and gets its errors', async () => {
  const client = pop('2016-04-28');
  const created = await client.request('CreateVpc', { RegionId: region, CidrBlock: '192.168.0.0/16' });
  assert.match(created.VpcId, /^vpc-/);
  assert.match(created.RequestId, /^[0-9A-F-]{36}$/);
  await assert.rejects(client.request('CreateVpc', { RegionId: region, CidrBlock: '192.168.0.0/33' }), e => e.code === 'InvalidCidrBlock.Malformed');
  await assert.rejects(client.request('CreateVpc', { RegionId: 'mars-north-1', CidrBlock: '10.0.0.0/16' }), e => e.code === 'Forbidden.RegionId');
  await assert.rejects(client.request('DescribeVpcs', {}), e => e.code === 'MissingParameter' && /RegionId/.test(e.message));
  await assert.rejects(client.request('NoSuchAction', { RegionId: region }), e => e.code === 'InvalidAction.NotFound');
});

test('the VPC actions also answer under the ECS version, as the 2014-05-26 API once served them (aliyungo sends them so)', async () => {
  const client = pop('2014-05-26');
  const created = await client.request('CreateVpc', { RegionId: region, CidrBlock: '10.210.0.0/16' });
  const listed = await client.request('DescribeVpcs', { RegionId: region, VpcId: created.VpcId });
  assert.equal(listed.Vpcs.Vpc[0].VpcId, created.VpcId);
  await assert.rejects(pop('2016-04-28').request('RunInstances', { RegionId: region }), e => e.code === 'InvalidAction.NotFound');
});
