// Smoke path with the AWS SDK for JavaScript v3 against the harness (node --test, node >= 20).
// The endpoint comes from AWS_ENDPOINT_URL_EC2; run.sh starts a harness when it is not set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client,
  CreateVpcCommand,
  CreateSubnetCommand,
  CreateNetworkInterfaceCommand,
  AssignPrivateIpAddressesCommand,
  UnassignPrivateIpAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DeleteNetworkInterfaceCommand,
  AllocateAddressCommand,
  AssociateAddressCommand,
  DescribeAddressesCommand,
  DisassociateAddressCommand,
  ReleaseAddressCommand,
  paginateDescribeNetworkInterfaces,
} from '@aws-sdk/client-ec2';

const endpoint = process.env.AWS_ENDPOINT_URL_EC2;
if (!endpoint) {
  throw new Error('AWS_ENDPOINT_URL_EC2 is not set (tests/conformance/js/run.sh starts a harness and sets it)');
}

const client = new EC2Client({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
const send = (command) => client.send(command);

const ENI_RE = /^eni-[0-9a-f]{17}$/;
const DOC_RANGES = ['192.0.2.', '198.51.100.', '203.0.113.'];

const ipsOf = (eni) => (eni.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress);
const describeEni = async (id) =>
  (await send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))).NetworkInterfaces[0];

/** Asserts that `promise` rejects with an EC2 error whose code is `code`. */
async function rejectsWithCode(promise, code) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, code, `error name: ${err.name}: ${err.message}`);
    assert.equal(err.Code ?? err.name, code);
    assert.equal(err.$metadata?.httpStatusCode, 400);
    return true;
  });
}

describe('EC2 ENI smoke path (SDK v3)', () => {
  let vpcId;
  let subnetId;

  before(async () => {
    const vpc = await send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    vpcId = vpc.Vpc.VpcId;
    assert.match(vpcId, /^vpc-[0-9a-f]{17}$/);
    const subnet = await send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24' }));
    subnetId = subnet.Subnet.SubnetId;
    assert.match(subnetId, /^subnet-[0-9a-f]{17}$/);
    assert.equal(subnet.Subnet.AvailableIpAddressCount, 251);
  });

  describe('secondary addresses, Elastic IP and failover', () => {
    let eniA;
    let eniB;
    let primaryA;
    let autoIps;
    let allocationId;
    let publicIp;
    let associationId;

    test('CreateNetworkInterface', async () => {
      const a = await send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Description: 'active' }));
      const b = await send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Description: 'standby' }));
      eniA = a.NetworkInterface.NetworkInterfaceId;
      eniB = b.NetworkInterface.NetworkInterfaceId;
      primaryA = a.NetworkInterface.PrivateIpAddress;
      assert.match(eniA, ENI_RE);
      assert.match(eniB, ENI_RE);
      assert.notEqual(eniA, eniB);
      assert.equal(a.NetworkInterface.Status, 'available');
      assert.equal(a.NetworkInterface.SubnetId, subnetId);
      assert.equal(a.NetworkInterface.VpcId, vpcId);
      assert.deepEqual(a.NetworkInterface.PrivateIpAddresses.map((p) => p.Primary), [true]);
    });

    test('AssignPrivateIpAddresses with SecondaryPrivateIpAddressCount 2', async () => {
      const r = await send(new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: eniA, SecondaryPrivateIpAddressCount: 2,
      }));
      assert.equal(r.NetworkInterfaceId, eniA);
      autoIps = r.AssignedPrivateIpAddresses.map((a) => a.PrivateIpAddress);
      assert.equal(autoIps.length, 2, 'only the newly assigned addresses are listed');
      assert.equal(new Set(autoIps).size, 2);
      for (const ip of autoIps) {
        assert.match(ip, /^10\.0\.0\.\d+$/);
        const last = Number(ip.split('.')[3]);
        assert.ok(last >= 4 && last <= 254, `${ip} is not a reserved address`);
        assert.notEqual(ip, primaryA);
      }
    });

    test('AssignPrivateIpAddresses with a specific address (10.0.0.82)', async () => {
      const r = await send(new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: eniA, PrivateIpAddresses: ['10.0.0.82'],
      }));
      assert.deepEqual(r.AssignedPrivateIpAddresses.map((a) => a.PrivateIpAddress), ['10.0.0.82']);
    });

    test('DescribeNetworkInterfaces by id', async () => {
      const eni = await describeEni(eniA);
      assert.equal(eni.NetworkInterfaceId, eniA);
      assert.equal(eni.PrivateIpAddress, primaryA);
      assert.deepEqual(new Set(ipsOf(eni)), new Set([primaryA, '10.0.0.82', ...autoIps]));
      const primaries = eni.PrivateIpAddresses.filter((p) => p.Primary).map((p) => p.PrivateIpAddress);
      assert.deepEqual(primaries, [primaryA]);
    });

    test('DescribeNetworkInterfaces with filter addresses.private-ip-address', async () => {
      const r = await send(new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: 'addresses.private-ip-address', Values: ['10.0.0.82'] },
          { Name: 'vpc-id', Values: [vpcId] },
        ],
      }));
      assert.deepEqual(r.NetworkInterfaces.map((n) => n.NetworkInterfaceId), [eniA]);
    });

    test('AllocateAddress, AssociateAddress, DescribeAddresses', async () => {
      const alloc = await send(new AllocateAddressCommand({ Domain: 'vpc' }));
      allocationId = alloc.AllocationId;
      publicIp = alloc.PublicIp;
      assert.match(allocationId, /^eipalloc-[0-9a-f]{17}$/);
      assert.equal(alloc.Domain, 'vpc');
      assert.ok(DOC_RANGES.some((p) => publicIp.startsWith(p)), `${publicIp} is in a documentation range`);

      const assoc = await send(new AssociateAddressCommand({
        AllocationId: allocationId, NetworkInterfaceId: eniA, PrivateIpAddress: '10.0.0.82',
      }));
      associationId = assoc.AssociationId;
      assert.match(associationId, /^eipassoc-[0-9a-f]{17}$/);

      const { Addresses } = await send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
      assert.equal(Addresses.length, 1);
      assert.equal(Addresses[0].PublicIp, publicIp);
      assert.equal(Addresses[0].AssociationId, associationId);
      assert.equal(Addresses[0].NetworkInterfaceId, eniA);
      assert.equal(Addresses[0].PrivateIpAddress, '10.0.0.82');
    });

    test('an address held by another ENI needs AllowReassignment (InvalidParameterValue)', async () => {
      await rejectsWithCode(
        send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniB, PrivateIpAddresses: ['10.0.0.82'] })),
        'InvalidParameterValue',
      );
      assert.ok(ipsOf(await describeEni(eniA)).includes('10.0.0.82'), 'the address stayed where it was');
      assert.ok(!ipsOf(await describeEni(eniB)).includes('10.0.0.82'));
    });

    test('with AllowReassignment the address moves and its Elastic IP follows', async () => {
      const r = await send(new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: eniB, PrivateIpAddresses: ['10.0.0.82'], AllowReassignment: true,
      }));
      assert.deepEqual(r.AssignedPrivateIpAddresses.map((a) => a.PrivateIpAddress), ['10.0.0.82']);

      assert.ok(!ipsOf(await describeEni(eniA)).includes('10.0.0.82'), 'gone from the old ENI');
      const b = await describeEni(eniB);
      const moved = b.PrivateIpAddresses.find((p) => p.PrivateIpAddress === '10.0.0.82');
      assert.ok(moved, 'present on the new ENI');
      assert.equal(moved.Primary, false);
      assert.equal(moved.Association?.PublicIp, publicIp, 'the Elastic IP moved with the address');
      assert.equal(moved.Association?.AllocationId, allocationId);
      // The owner of an Elastic IP is the account that allocated it (botocore's DescribeNetworkInterfaces
      // example shows the account id); 'amazon' is for Amazon-assigned public IPs only.
      assert.equal(moved.Association?.IpOwnerId, b.OwnerId, 'IpOwnerId of an Elastic IP is the account id');

      const { Addresses } = await send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
      assert.equal(Addresses[0].NetworkInterfaceId, eniB);
      assert.equal(Addresses[0].PrivateIpAddress, '10.0.0.82');
      assert.match(Addresses[0].AssociationId ?? '', /^eipassoc-[0-9a-f]{17}$/);
      associationId = Addresses[0].AssociationId;
    });

    test('UnassignPrivateIpAddresses', async () => {
      await send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eniA, PrivateIpAddresses: autoIps }));
      assert.deepEqual(ipsOf(await describeEni(eniA)), [primaryA]);
    });

    test('DisassociateAddress (twice: idempotent) and ReleaseAddress', async () => {
      await send(new DisassociateAddressCommand({ AssociationId: associationId }));
      await send(new DisassociateAddressCommand({ AssociationId: associationId }));
      const { Addresses } = await send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
      assert.equal(Addresses[0].AssociationId, undefined);
      await send(new ReleaseAddressCommand({ AllocationId: allocationId }));
      await rejectsWithCode(
        send(new DescribeAddressesCommand({ AllocationIds: [allocationId] })),
        'InvalidAllocationID.NotFound',
      );
    });

    test('DeleteNetworkInterface', async () => {
      await send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniA }));
      await send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniB }));
      await rejectsWithCode(
        send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniA] })),
        'InvalidNetworkInterfaceID.NotFound',
      );
    });
  });

  describe('paginateDescribeNetworkInterfaces', () => {
    let pagedSubnet;
    const created = [];

    before(async () => {
      const s = await send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }));
      pagedSubnet = s.Subnet.SubnetId;
      for (let i = 0; i < 12; i++) {
        const r = await send(new CreateNetworkInterfaceCommand({ SubnetId: pagedSubnet, Description: `page-${i}` }));
        created.push(r.NetworkInterface.NetworkInterfaceId);
      }
    });

    after(async () => {
      for (const id of created) {
        await send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id })).catch(() => {});
      }
    });

    test('pageSize 5 over 12 ENIs: every ENI seen exactly once', async () => {
      const seen = [];
      let pages = 0;
      for await (const page of paginateDescribeNetworkInterfaces(
        { client, pageSize: 5 },
        { Filters: [{ Name: 'subnet-id', Values: [pagedSubnet] }] },
      )) {
        pages++;
        assert.ok(page.NetworkInterfaces.length <= 5, `page ${pages} has ${page.NetworkInterfaces.length} items`);
        seen.push(...page.NetworkInterfaces.map((n) => n.NetworkInterfaceId));
        assert.ok(pages <= 10, 'paginator did not terminate');
      }
      assert.ok(pages >= 3, `expected at least 3 pages, got ${pages}`);
      assert.equal(seen.length, 12, 'no duplicates, none missing');
      assert.deepEqual([...seen].sort(), [...created].sort());
    });
  });
});
