// Real clients under faults, through the AWS SDK for JavaScript v3: the EC2 client's standard retries meet EC2's
// throttling (RequestLimitExceeded, HTTP 503) and still succeed; @aws-sdk/ec2-metadata-service meets 503s.
// Faults are scoped to an action or an instance no other test file uses, since node --test runs files side by side.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client,
  CreateVpcCommand,
  CreateSubnetCommand,
  RunInstancesCommand,
  DescribeAvailabilityZonesCommand,
} from '@aws-sdk/client-ec2';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import { endpoint, credentials, control } from './harness.mjs';

async function touches(faultId) {
  const page = await control('GET', '/_harness/faults/events?limit=10000');
  return page.events.filter((e) => e.faultId === faultId && e.event === 'touched');
}

describe('faults meet the SDK v3', () => {
  test('the EC2 client retries RequestLimitExceeded and every call succeeds in the end', async () => {
    const fault = await control('POST', '/_harness/faults', { spec: 'ec2-throttle(capacity=1, refill=4, action=DescribeAvailabilityZones)' });
    try {
      const client = new EC2Client({ endpoint, region: 'us-east-1', credentials, maxAttempts: 5 });
      let retries = 0;
      for (let i = 0; i < 4; i++) {
        const reply = await client.send(new DescribeAvailabilityZonesCommand({}));
        assert.ok(reply.AvailabilityZones.length > 0);
        retries += reply.$metadata.attempts - 1;
      }

      const refused = await touches(fault.id);
      assert.ok(retries >= 1, 'four calls from a one-token bucket refilled at 4/s must have been refused at least once');
      assert.equal(refused.length, retries);
      assert.match(refused[0].detail, /^RequestLimitExceeded: the DescribeAvailabilityZones bucket \(1 tokens, 4\/s\) is empty$/);

      const once = new EC2Client({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
      await once.send(new DescribeAvailabilityZonesCommand({})).catch(() => {});
      await assert.rejects(once.send(new DescribeAvailabilityZonesCommand({})), (err) =>
        err.name === 'RequestLimitExceeded' && err.$metadata.httpStatusCode === 503);
    } finally {
      await control('DELETE', `/_harness/faults/${fault.id}`);
    }
  });

  test('the metadata client meets 503s while the fault is in force, and answers once it is cleared', async () => {
    const admin = new EC2Client({ endpoint, region: 'us-east-1', credentials });
    const vpc = await admin.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }));
    const subnet = await admin.send(new CreateSubnetCommand({ VpcId: vpc.Vpc.VpcId, CidrBlock: '10.8.1.0/24' }));
    const run = await admin.send(new RunInstancesCommand({
      ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, SubnetId: subnet.Subnet.SubnetId,
    }));
    const instance = run.Instances[0];
    const { imdsEndpoint } = await control('GET', `/_harness/instances/${instance.InstanceId}`);
    const fault = await control('POST', '/_harness/faults', { spec: `imds-error(status=503, instance=${instance.InstanceId})` });
    try {
      const metadata = new MetadataService({ endpoint: imdsEndpoint, retries: 0 });
      await assert.rejects(metadata.request('/latest/meta-data/instance-id', {}));
      const refused = await touches(fault.id);
      assert.ok(refused.length >= 1);
      assert.ok(refused.every((e) => e.detail === 'answered 503' && e.instanceId === instance.InstanceId));
    } finally {
      await control('DELETE', `/_harness/faults/${fault.id}`);
    }

    const metadata = new MetadataService({ endpoint: imdsEndpoint, retries: 0 });
    assert.equal(await metadata.request('/latest/meta-data/instance-id', {}), instance.InstanceId);
  });
});
