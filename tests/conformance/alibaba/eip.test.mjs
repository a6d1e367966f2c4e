// Elastic IP addresses through @alicloud/vpc20160428: allocation, asynchronous association, and the EIP following its
// private address when the address moves between ENIs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ecs, Vpc, ecs, vpc, region, network, eni, describeInstance, run, waitFor, failure } from './harness.mjs';

const describeEip = async allocationId =>
  (await vpc.describeEipAddresses(new Vpc.DescribeEipAddressesRequest({ regionId: region, allocationId }))).body.eipAddresses.eipAddress[0];
const eipStatus = id => async () => (await describeEip(id)).status;

test('an EIP associated with an instance: Associating, then InUse; unassociate and release', async () => {
  const net = await network(40);
  const [instance] = await run(net);
  await waitFor(async () => (await describeInstance(instance)).status, 'Running');
  const allocated = await vpc.allocateEipAddress(new Vpc.AllocateEipAddressRequest({ regionId: region, bandwidth: '10', name: 'front' }));
  assert.match(allocated.body.allocationId, /^eip-bp[a-z0-9]{18}$/);
  assert.match(allocated.body.eipAddress, /^\d+\.\d+\.\d+\.\d+$/);
  assert.equal((await describeEip(allocated.body.allocationId)).status, 'Available');

  await vpc.associateEipAddress(new Vpc.AssociateEipAddressRequest({ regionId: region, allocationId: allocated.body.allocationId, instanceId: instance }));
  const again = await failure(vpc.associateEipAddress(new Vpc.AssociateEipAddressRequest({ regionId: region, allocationId: allocated.body.allocationId, instanceId: instance })));
  assert.equal(again.code, 'IncorrectEipStatus');
  assert.deepEqual(await waitFor(eipStatus(allocated.body.allocationId), 'InUse'), ['Associating', 'InUse']);
  const shown = await describeEip(allocated.body.allocationId);
  assert.equal(shown.instanceId, instance);
  assert.equal(shown.instanceType, 'EcsInstance');
  assert.equal(shown.bandwidth, '10');
  assert.equal(shown.name, 'front');
  const primary = (await describeInstance(instance)).networkInterfaces.networkInterface[0];
  assert.equal(shown.privateIpAddress, primary.primaryIpAddress);
  const onInstance = (await describeInstance(instance)).eipAddress;
  assert.deepEqual([onInstance.allocationId, onInstance.ipAddress], [allocated.body.allocationId, allocated.body.eipAddress]);

  const busy = await failure(vpc.releaseEipAddress(new Vpc.ReleaseEipAddressRequest({ regionId: region, allocationId: allocated.body.allocationId })));
  assert.equal(busy.code, 'IncorrectEipStatus');
  await vpc.unassociateEipAddress(new Vpc.UnassociateEipAddressRequest({ regionId: region, allocationId: allocated.body.allocationId, instanceId: instance }));
  assert.deepEqual(await waitFor(eipStatus(allocated.body.allocationId), 'Available'), ['Unassociating', 'Available']);
  await vpc.releaseEipAddress(new Vpc.ReleaseEipAddressRequest({ regionId: region, allocationId: allocated.body.allocationId }));
  const gone = await vpc.describeEipAddresses(new Vpc.DescribeEipAddressesRequest({ regionId: region, allocationId: allocated.body.allocationId }));
  assert.equal(gone.body.eipAddresses.eipAddress.length, 0);
  assert.equal((await failure(vpc.releaseEipAddress(new Vpc.ReleaseEipAddressRequest({ regionId: region, allocationId: allocated.body.allocationId })))).code, 'InvalidAllocationId.NotFound');
});

test('an EIP bound to a secondary address of an ENI: only to an address the ENI holds, and unassigning the address lets it go', async () => {
  const net = await network(41);
  const a = await eni(net);
  const b = await eni(net);
  await ecs.assignPrivateIpAddresses(new Ecs.AssignPrivateIpAddressesRequest({ regionId: region, networkInterfaceId: a.networkInterfaceId, privateIpAddress: ['10.41.1.50'] }));
  const { body: { allocationId } } = await vpc.allocateEipAddress(new Vpc.AllocateEipAddressRequest({ regionId: region }));
  await vpc.associateEipAddress(new Vpc.AssociateEipAddressRequest({
    regionId: region, allocationId, instanceId: a.networkInterfaceId, instanceType: 'NetworkInterface', privateIpAddress: '10.41.1.50' }));
  await waitFor(eipStatus(allocationId), 'InUse');
  assert.equal((await describeEip(allocationId)).instanceId, a.networkInterfaceId);
  const notThere = await failure(vpc.associateEipAddress(new Vpc.AssociateEipAddressRequest({
    regionId: region, allocationId, instanceId: b.networkInterfaceId, instanceType: 'NetworkInterface', privateIpAddress: '10.41.1.99' })));
  assert.equal(notThere.code, 'InvalidParameter');

  await ecs.unassignPrivateIpAddresses(new Ecs.UnassignPrivateIpAddressesRequest({ regionId: region, networkInterfaceId: a.networkInterfaceId, privateIpAddress: ['10.41.1.50'] }));
  const afterUnassign = await describeEip(allocationId);
  assert.equal(afterUnassign.status, 'Available', 'unassigning the address lets its EIP go');
  const missing = await failure(vpc.describeEipAddresses(new Vpc.DescribeEipAddressesRequest({ regionId: region, pageSize: 101 })));
  assert.equal(missing.code, 'InvalidParameter');
});
