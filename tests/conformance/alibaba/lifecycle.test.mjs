// The calls around the ENI work: regions and zones, the older CreateInstance, and deleting VPCs, vSwitches and security
// groups (only when empty), through @alicloud/ecs20140526 and @alicloud/vpc20160428 (ACS3) and pop-core (HMAC-SHA1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ecs, Vpc, ecs, vpc, pop, region, network, eni, failure, waitFor } from './harness.mjs';

const statusOf = async id => (await ecs.describeInstanceStatus(new Ecs.DescribeInstanceStatusRequest({ regionId: region, instanceId: [id] })))
  .body.instanceStatuses.instanceStatus[0]?.status;

test('DescribeRegions lists the served regions and DescribeZones the zones a vSwitch can go in', async () => {
  const regions = await ecs.describeRegions(new Ecs.DescribeRegionsRequest({ acceptLanguage: 'en-US' }));
  const byId = Object.fromEntries(regions.body.regions.region.map(r => [r.regionId, r]));
  assert.equal(regions.body.regions.region.length, 18);
  assert.equal(byId['cn-hangzhou'].localName, 'China (Hangzhou)');
  assert.equal(byId['cn-hangzhou'].regionEndpoint, 'ecs-cn-hangzhou.aliyuncs.com');
  assert.equal(byId['cn-shanghai'].status, 'available');

  const zones = await ecs.describeZones(new Ecs.DescribeZonesRequest({ regionId: region }));
  const ids = zones.body.zones.zone.map(z => z.zoneId);
  assert.deepEqual(ids, ['cn-hangzhou-h', 'cn-hangzhou-i', 'cn-hangzhou-j', 'cn-hangzhou-k']);
  assert.ok(zones.body.zones.zone[0].availableInstanceTypes.instanceTypes.includes('ecs.g7.large'));
  assert.equal(zones.body.zones.zone[1].localName, 'Hangzhou Zone I');

  const brief = await pop('2014-05-26').request('DescribeZones', { RegionId: 'cn-beijing', Verbose: false });
  assert.deepEqual(brief.Zones.Zone.map(z => z.ZoneId), ['cn-beijing-f', 'cn-beijing-g', 'cn-beijing-h']);
  assert.equal(brief.Zones.Zone[0].AvailableInstanceTypes, undefined);
  const missing = await failure(ecs.describeZones(new Ecs.DescribeZonesRequest({})));
  assert.equal(missing.code, 'MissingParameter');
});

test('CreateInstance makes one instance that is Pending, then Stopped, until StartInstance runs it; a ClientToken replays it', async () => {
  const net = await network(150);
  const request = () => new Ecs.CreateInstanceRequest({
    regionId: region, vSwitchId: net.vSwitchId, securityGroupId: net.securityGroupId, instanceType: 'ecs.g7.large',
    imageId: 'aliyun_3_x64', instanceName: 'legacy-1', clientToken: 'conformance-create-150',
  });
  const created = await ecs.createInstance(request());
  const id = created.body.instanceId;
  assert.match(id, /^i-bp[a-z0-9]{18}$/);
  assert.equal((await ecs.createInstance(request())).body.instanceId, id);

  const seen = await waitFor(() => statusOf(id), 'Stopped');
  assert.deepEqual(seen, ['Pending', 'Stopped']);
  await ecs.startInstance(new Ecs.StartInstanceRequest({ instanceId: id }));
  await waitFor(() => statusOf(id), 'Running');

  const mismatch = await failure(ecs.createInstance(new Ecs.CreateInstanceRequest({ ...request(), instanceName: 'legacy-2' })));
  assert.equal(mismatch.code, 'IdempotentParameterMismatch');
  const badType = await failure(ecs.createInstance(new Ecs.CreateInstanceRequest({ ...request(), clientToken: undefined, instanceType: 'ecs.none' })));
  assert.equal(badType.code, 'InvalidInstanceType.NotFound');
  assert.equal(badType.status, 404);
});

test('a VPC, its vSwitch and its security group are deleted only once empty, with the dependency codes', async () => {
  const net = await network(151);
  const nic = await eni(net);
  const vSwitchBusy = await failure(vpc.deleteVSwitch(new Vpc.DeleteVSwitchRequest({ regionId: region, vSwitchId: net.vSwitchId })));
  assert.equal(vSwitchBusy.code, 'DependencyViolation');
  assert.equal(vSwitchBusy.status, 400);
  const vpcBusy = await failure(vpc.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: region, vpcId: net.vpcId })));
  assert.equal(vpcBusy.code, 'DependencyViolation.VSwitch');
  const groupBusy = await failure(ecs.deleteSecurityGroup(new Ecs.DeleteSecurityGroupRequest({ regionId: region, securityGroupId: net.securityGroupId })));
  assert.equal(groupBusy.code, 'DependencyViolation');
  assert.equal(groupBusy.status, 403);

  // The ENI is Deleting for a while, and the vSwitch is not empty until it is gone.
  await ecs.deleteNetworkInterface(new Ecs.DeleteNetworkInterfaceRequest({ regionId: region, networkInterfaceId: nic.networkInterfaceId }));
  for (const deadline = Date.now() + 30000; ;) {
    try {
      await vpc.deleteVSwitch(new Vpc.DeleteVSwitchRequest({ regionId: region, vSwitchId: net.vSwitchId }));
      break;
    } catch (error) {
      assert.equal(error.code, 'DependencyViolation');
      assert.ok(Date.now() < deadline, 'the vSwitch stayed busy for 30 s');
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  const groupLeft = await failure(vpc.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: region, vpcId: net.vpcId })));
  assert.equal(groupLeft.code, 'DependencyViolation.SecurityGroup');
  await ecs.deleteSecurityGroup(new Ecs.DeleteSecurityGroupRequest({ regionId: region, securityGroupId: net.securityGroupId }));
  const deleted = await vpc.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: region, vpcId: net.vpcId }));
  assert.match(deleted.body.requestId, /^[0-9A-F-]{36}$/);

  const listed = await vpc.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region, vpcId: net.vpcId }));
  assert.equal(listed.body.totalCount, 0);
  await assert.rejects(pop('2016-04-28').request('DeleteVpc', { RegionId: region, VpcId: net.vpcId }, { method: 'POST' }),
    e => e.code === 'InvalidVpcId.NotFound');
  await assert.rejects(pop('2016-04-28').request('DeleteVSwitch', { RegionId: region }), e => e.code === 'MissingParameter');
});
