// The Alibaba Cloud API's faults (ecs-throttle, ecs-error, ecs-latency) as Alibaba's clients see them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vpc, vpc, pop, region, control, failure } from './harness.mjs';

async function withFault(spec, body) {
  const fault = await control('POST', '/_harness/faults', { spec });
  try {
    await body(fault);
  } finally {
    await control('DELETE', `/_harness/faults/${fault.id}`);
  }
}

const describeVpcs = () => vpc.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region, pageSize: 1 }));

test('ecs-throttle answers Throttling (400) once the bucket is empty; the ECS SDK classifies it as throttling', async () => {
  await withFault('ecs-throttle(capacity=2, refill=0.5, action=DescribeVpcs)', async () => {
    await describeVpcs();
    await describeVpcs();
    const throttled = await failure(describeVpcs());
    assert.equal(throttled.code, 'Throttling');
    assert.equal(throttled.status, 400);
    assert.equal(throttled.data.Code, 'Throttling');
    // Another action has a bucket of its own only when the fault names it: CreateVpc is untouched.
    await vpc.createVpc(new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: '10.90.0.0/16' }));
  });
  await describeVpcs();
});

test('ecs-error injects ServiceUnavailable (503) into the actions it names, and shows on the fault timeline', async () => {
  await withFault('ecs-error(code=ServiceUnavailable, action=Describe*)', async fault => {
    const client = pop('2016-04-28');
    await assert.rejects(client.request('DescribeVpcs', { RegionId: region }), e => e.code === 'ServiceUnavailable');
    const failed = await failure(describeVpcs());
    assert.equal(failed.status, 503);
    const events = await control('GET', '/_harness/faults/events');
    assert.ok(JSON.stringify(events).includes(fault.id), 'the timeline lists the touched calls');
  });
});

test('ecs-latency holds the reply for its delay', async () => {
  await withFault('ecs-latency(delay=fixed(600ms), action=DescribeVpcs)', async () => {
    const started = Date.now();
    await describeVpcs();
    assert.ok(Date.now() - started >= 550, `answered after ${Date.now() - started} ms`);
  });
});

test('a fault naming an action no Alibaba API serves is refused with its position', async () => {
  const response = await fetch(`${process.env.HARNESS_CONTROL_URL}/_harness/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spec: 'ecs-error(action=DescribeSubnets)' }),
  });
  assert.equal(response.status, 400);
  assert.match(await response.text(), /no Alibaba Cloud action served here is called 'DescribeSubnets'/);
});

test("a scenario's own steps (X-Harness-Scenario-Step) pass through ecs-* faults, as on EC2", async () => {
  await withFault('ecs-error(code=InternalError, action=DescribeVpcs)', async () => {
    const url = `http://${process.env.HARNESS_ECS_ENDPOINT}/?Action=DescribeVpcs&Version=2016-04-28&RegionId=${region}&Format=JSON`;
    assert.equal((await fetch(url)).status, 500);
    assert.equal((await fetch(url, { headers: { 'X-Harness-Scenario-Step': '1' } })).status, 200);
  });
});
