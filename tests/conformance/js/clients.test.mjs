// A program under test with endpoints of its own (POST /_harness/clients), through the AWS SDK for JavaScript v3:
// its EC2 endpoint is a path (/_harness/clients/<id>/ec2), which the SDK must keep when it sends, and its metadata
// endpoint is an alias address of its instance. Everything it does there must be recorded.
// (node --test; the EC2 endpoint comes from AWS_ENDPOINT_URL_EC2, as in the other files.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client,
  CreateVpcCommand,
  CreateSubnetCommand,
  RunInstancesCommand,
  DescribeInstancesCommand,
  AssignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import { endpoint, credentials, control } from './harness.mjs';

const ec2 = (url) => new EC2Client({ endpoint: url, region: 'us-east-1', credentials });

describe('a registered client (SDK v3)', () => {
  test('its EC2 path and metadata alias work with the SDK and every request is recorded', async () => {
    const admin = ec2(endpoint);
    const vpc = await admin.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const subnet = await admin.send(new CreateSubnetCommand({ VpcId: vpc.Vpc.VpcId, CidrBlock: '10.9.1.0/24' }));
    const run = await admin.send(new RunInstancesCommand({
      ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, SubnetId: subnet.Subnet.SubnetId,
    }));
    const instance = run.Instances[0];

    const registered = await control('POST', '/_harness/clients', { name: 'js-agent', instanceId: instance.InstanceId });
    assert.match(registered.ec2Endpoint, /\/_harness\/clients\/client-\d+\/ec2$/);

    const own = ec2(registered.ec2Endpoint);
    const described = await own.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId] }));
    assert.equal(described.Reservations[0].Instances[0].InstanceId, instance.InstanceId);
    await assert.rejects(
      own.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: 'eni-0000000000000000f', SecondaryPrivateIpAddressCount: 1 })),
      (err) => err.name === 'InvalidNetworkInterfaceID.NotFound',
    );

    const metadata = new MetadataService({ endpoint: registered.imdsEndpoint, retries: 0 });
    const localIpv4 = await metadata.request('/latest/meta-data/local-ipv4', {});
    assert.equal(localIpv4, instance.PrivateIpAddress);

    const { records, dropped } = await control('GET', `/_harness/clients/${registered.id}`);
    assert.equal(dropped, 0);
    assert.deepEqual(
      records.map((r) => `${r.channel} ${r.target} ${r.status}`),
      [
        'ec2 DescribeInstances 200',
        'ec2 AssignPrivateIpAddresses 400',
        'imds /latest/api/token 200',
        'imds //latest/meta-data/local-ipv4 200',
      ],
    );
    assert.equal(records[1].error, 'InvalidNetworkInterfaceID.NotFound');
    assert.equal(records[3].body, instance.PrivateIpAddress);
    await control('DELETE', `/_harness/clients/${registered.id}`);
  });
});
