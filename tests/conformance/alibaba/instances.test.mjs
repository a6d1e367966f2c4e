// Instances and ENI attachment: Alibaba's asynchronous states, observed by polling as a real client must.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ecs, ecs, region, network, eni, describeEni, describeInstance, run, waitFor, failure } from './harness.mjs';

const attach = (networkInterfaceId, instanceId) =>
  ecs.attachNetworkInterface(new Ecs.AttachNetworkInterfaceRequest({ regionId: region, networkInterfaceId, instanceId }));
const detach = (networkInterfaceId, instanceId) =>
  ecs.detachNetworkInterface(new Ecs.DetachNetworkInterfaceRequest({ regionId: region, networkInterfaceId, instanceId }));
const instanceStatus = id => async () => (await describeInstance(id)).status;
const eniStatus = id => async () => (await describeEni(id)).status;

test('RunInstances returns at once; instances are Pending, then Running, each with a Primary ENI', async () => {
  const net = await network(20);
  const ids = await run(net, { amount: 2, instanceName: 'web', hostName: 'web-1' });
  assert.equal(ids.length, 2);
  assert.ok(ids.every(id => /^i-bp[a-z0-9]{18}$/.test(id)), ids.join());
  const first = await describeInstance(ids[0]);
  assert.equal(first.status, 'Pending');
  const seen = await waitFor(instanceStatus(ids[0]), 'Running');
  assert.deepEqual(seen, ['Pending', 'Running']);
  const shown = await describeInstance(ids[0]);
  assert.equal(shown.instanceName, 'web');
  assert.equal(shown.hostName, 'web-1');
  assert.equal(shown.instanceType, 'ecs.g7.large');
  assert.equal(shown.zoneId, 'cn-hangzhou-h');
  assert.equal(shown.vpcAttributes.vSwitchId, net.vSwitchId);
  const primary = shown.networkInterfaces.networkInterface[0];
  assert.equal(primary.type, 'Primary');
  assert.deepEqual(shown.vpcAttributes.privateIpAddress.ipAddress, [primary.primaryIpAddress]);
  const primaryEni = await describeEni(primary.networkInterfaceId);
  assert.equal(primaryEni.status, 'InUse');
  assert.equal(primaryEni.type, 'Primary');
  assert.equal(primaryEni.instanceId, ids[0]);
});

test('attach is asynchronous: Attaching refuses what needs InUse; a client that polls for InUse succeeds', async () => {
  const net = await network(21);
  const [instance] = await run(net);
  const secondary = await eni(net);
  const early = await failure(attach(secondary.networkInterfaceId, instance));
  assert.equal(early.code, 'InvalidOperation.InvalidEcsState', 'a Pending instance takes no ENI');
  await waitFor(instanceStatus(instance), 'Running');

  await attach(secondary.networkInterfaceId, instance);
  assert.equal((await describeEni(secondary.networkInterfaceId)).status, 'Attaching');
  const busy = await failure(ecs.assignPrivateIpAddresses(new Ecs.AssignPrivateIpAddressesRequest({
    regionId: region, networkInterfaceId: secondary.networkInterfaceId, secondaryPrivateIpAddressCount: 1 })));
  assert.equal(busy.code, 'InvalidOperation.InvalidEniState');
  assert.equal((await failure(detach(secondary.networkInterfaceId, instance))).code, 'InvalidOperation.InvalidEniState');
  assert.equal((await failure(attach(secondary.networkInterfaceId, instance))).code, 'InvalidOperation.InvalidEniState');

  assert.deepEqual(await waitFor(eniStatus(secondary.networkInterfaceId), 'InUse'), ['Attaching', 'InUse']);
  const attached = await describeEni(secondary.networkInterfaceId);
  assert.equal(attached.instanceId, instance);
  assert.equal(attached.attachment.deviceIndex, 1);
  await ecs.assignPrivateIpAddresses(new Ecs.AssignPrivateIpAddressesRequest({
    regionId: region, networkInterfaceId: secondary.networkInterfaceId, secondaryPrivateIpAddressCount: 1 }));

  await detach(secondary.networkInterfaceId, instance);
  assert.deepEqual(await waitFor(eniStatus(secondary.networkInterfaceId), 'Available'), ['Detaching', 'Available']);
  const primaryId = (await describeInstance(instance)).networkInterfaces.networkInterface[0].networkInterfaceId;
  assert.equal((await failure(detach(primaryId, instance))).code, 'InvalidOperation.DetachPrimaryEniNotAllowed');
});

test('the instance type bounds ENIs per instance and addresses per InUse ENI (ecs.g7.large: 3 and 6)', async () => {
  const net = await network(22);
  const [instance] = await run(net);
  await waitFor(instanceStatus(instance), 'Running');
  const a = await eni(net);
  const b = await eni(net);
  const c = await eni(net);
  await attach(a.networkInterfaceId, instance);
  await attach(b.networkInterfaceId, instance);
  const third = await failure(attach(c.networkInterfaceId, instance));
  assert.equal(third.code, 'EniPerInstanceLimitExceeded');
  assert.equal(third.status, 403);
  await waitFor(eniStatus(a.networkInterfaceId), 'InUse');
  await ecs.assignPrivateIpAddresses(new Ecs.AssignPrivateIpAddressesRequest({ regionId: region, networkInterfaceId: a.networkInterfaceId, secondaryPrivateIpAddressCount: 5 }));
  const over = await failure(ecs.assignPrivateIpAddresses(new Ecs.AssignPrivateIpAddressesRequest({ regionId: region, networkInterfaceId: a.networkInterfaceId, secondaryPrivateIpAddressCount: 1 })));
  assert.equal(over.code, 'MaxEniPrivateIpsCountExceeded');
});

test('stop, start and delete pass through Stopping and Starting; wrong states give IncorrectInstanceStatus', async () => {
  const net = await network(23);
  const [instance] = await run(net);
  await waitFor(instanceStatus(instance), 'Running');
  const secondary = await eni(net);
  await attach(secondary.networkInterfaceId, instance);
  await waitFor(eniStatus(secondary.networkInterfaceId), 'InUse');
  const primaryId = (await describeInstance(instance)).networkInterfaces.networkInterface[0].networkInterfaceId;

  const running = await failure(ecs.deleteInstance(new Ecs.DeleteInstanceRequest({ instanceId: instance })));
  assert.equal(running.code, 'IncorrectInstanceStatus');
  assert.equal(running.status, 403);
  await ecs.stopInstance(new Ecs.StopInstanceRequest({ instanceId: instance }));
  assert.equal((await failure(ecs.stopInstance(new Ecs.StopInstanceRequest({ instanceId: instance })))).code, 'IncorrectInstanceStatus');
  assert.deepEqual(await waitFor(instanceStatus(instance), 'Stopped'), ['Stopping', 'Stopped']);

  const started = await ecs.startInstances(new Ecs.StartInstancesRequest({ regionId: region, instanceId: [instance] }));
  const response = started.body.instanceResponses.instanceResponse[0];
  assert.deepEqual([response.instanceId, response.previousStatus, response.currentStatus], [instance, 'Stopped', 'Starting']);
  assert.deepEqual(await waitFor(instanceStatus(instance), 'Running'), ['Starting', 'Running']);

  await ecs.deleteInstance(new Ecs.DeleteInstanceRequest({ instanceId: instance, force: true }));
  assert.equal(await describeInstance(instance), undefined);
  assert.equal((await failure(ecs.stopInstance(new Ecs.StopInstanceRequest({ instanceId: instance })))).code, 'InvalidInstanceId.NotFound');
  // The Primary ENI goes with the instance; a Secondary one is let go, Available.
  assert.equal((await failure(ecs.describeNetworkInterfaceAttribute(new Ecs.DescribeNetworkInterfaceAttributeRequest({ regionId: region, networkInterfaceId: primaryId })))).code, 'InvalidEniId.NotFound');
  assert.equal((await describeEni(secondary.networkInterfaceId)).status, 'Available');
});

test('DeleteNetworkInterface is asynchronous: the ENI shows Deleting, then is gone', async () => {
  const net = await network(24);
  const a = await eni(net);
  await ecs.deleteNetworkInterface(new Ecs.DeleteNetworkInterfaceRequest({ regionId: region, networkInterfaceId: a.networkInterfaceId }));
  const seen = [];
  for (const deadline = Date.now() + 30000; Date.now() < deadline;) {
    const r = await ecs.describeNetworkInterfaces(new Ecs.DescribeNetworkInterfacesRequest({ regionId: region, networkInterfaceId: [a.networkInterfaceId] }));
    const status = r.body.networkInterfaceSets.networkInterfaceSet[0]?.status ?? 'gone';
    if (seen.at(-1) !== status) seen.push(status);
    if (status === 'gone') break;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  assert.deepEqual(seen, ['Deleting', 'gone']);
});

test('out-of-range values with real ids are refused: a hop limit of 65, a network card index of -1', async () => {
  const net = await network(25);
  const hops = await failure(run(net, { httpPutResponseHopLimit: 65 }));
  assert.equal(hops.code, 'InvalidParameter');
  const [instance] = await run(net);
  await waitFor(instanceStatus(instance), 'Running');
  const extra = await eni(net);
  const card = await failure(ecs.attachNetworkInterface(new Ecs.AttachNetworkInterfaceRequest({
    regionId: region, networkInterfaceId: extra.networkInterfaceId, instanceId: instance, networkCardIndex: -1 })));
  assert.equal(card.code, 'InvalidParameter');
  assert.equal((await describeEni(extra.networkInterfaceId)).status, 'Available');
});

test('two requests at once never both pass a state check; two attaches at once get different device indexes', async () => {
  const net = await network(26);
  const [instance] = await run(net);
  // A Pending instance's primary ENI takes no address (seed 002: the instance must be Running or Stopped).
  const primaryId = (await describeInstance(instance)).networkInterfaces.networkInterface[0].networkInterfaceId;
  const pending = await failure(ecs.assignPrivateIpAddresses(new Ecs.AssignPrivateIpAddressesRequest({
    regionId: region, networkInterfaceId: primaryId, secondaryPrivateIpAddressCount: 1 })));
  assert.equal(pending.code, 'InvalidOperation.InvalidEcsState');
  await waitFor(instanceStatus(instance), 'Running');

  const a = await eni(net);
  const b = await eni(net);
  await Promise.all([attach(a.networkInterfaceId, instance), attach(b.networkInterfaceId, instance)]);
  await waitFor(eniStatus(a.networkInterfaceId), 'InUse');
  await waitFor(eniStatus(b.networkInterfaceId), 'InUse');
  const indexes = [(await describeEni(a.networkInterfaceId)).attachment.deviceIndex, (await describeEni(b.networkInterfaceId)).attachment.deviceIndex];
  assert.deepEqual(indexes.sort(), [1, 2]);

  const detaches = await Promise.allSettled([0, 1].map(() => detach(a.networkInterfaceId, instance)));
  assert.equal(detaches.filter(s => s.status === 'fulfilled').length, 1, 'exactly one detach is accepted');
  assert.equal(detaches.find(s => s.status === 'rejected').reason.code, 'InvalidOperation.InvalidEniState');
  const stops = await Promise.allSettled([0, 1, 2].map(() => ecs.stopInstance(new Ecs.StopInstanceRequest({ instanceId: instance }))));
  assert.equal(stops.filter(s => s.status === 'fulfilled').length, 1, 'exactly one stop is accepted');
  assert.ok(stops.filter(s => s.status === 'rejected').every(s => s.reason.code === 'IncorrectInstanceStatus'));
});
