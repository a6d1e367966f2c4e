// The AWS SDK for JavaScript v3 against `harness serve --verify-signatures` (node --test, node >= 20).
// Starts a harness of its own (the Release build run.sh made) on free loopback ports with two access keys: the right
// secret is served; a wrong one is SignatureDoesNotMatch (403), an unknown key AuthFailure (401), a clock 16 minutes
// off RequestExpired (400), a body changed after signing SignatureDoesNotMatch; the tapped client path is verified too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { CreateSubnetCommand, CreateVpcCommand, DescribeVpcsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DLL = path.join(ROOT, 'src/Harness.Host/bin/Release/net10.0/harness.dll');
const KEY = 'AKIDJS';
const SECRET = 'js/Secret+Key=7';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

let harness;
let endpoint;

before(async () => {
  const [ec2Port, imdsPort] = [await freePort(), await freePort()];
  harness = spawn('dotnet', [DLL, 'serve', '--ec2-port', String(ec2Port), '--imds-port', String(imdsPort), '--ecs-port', String(await freePort()),
    '--verify-signatures', '--credentials', `${KEY}:${SECRET},AKIDSPARE:spare`], { cwd: ROOT, stdio: 'ignore' });
  endpoint = `http://127.0.0.1:${ec2Port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${endpoint}/_harness/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the harness on ${endpoint} did not become healthy`);
});

after(() => harness?.kill());

const client = (options = {}) =>
  new EC2Client({
    endpoint: options.endpoint ?? endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: options.key ?? KEY, secretAccessKey: options.secret ?? SECRET },
    ...(options.systemClockOffset === undefined ? {} : { systemClockOffset: options.systemClockOffset }),
  });

const cidrs = async () => ((await client().send(new DescribeVpcsCommand({}))).Vpcs ?? []).map((v) => v.CidrBlock);

async function rejectsWith(promise, code, status) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.name, code);
    assert.equal(error.$metadata.httpStatusCode, status);
    return true;
  });
}

describe('--verify-signatures with the JS SDK v3', () => {
  test('the right secret is served', async () => {
    const vpc = (await client().send(new CreateVpcCommand({ CidrBlock: '10.81.0.0/16' }))).Vpc.VpcId;
    const described = await client({ key: 'AKIDSPARE', secret: 'spare' }).send(new DescribeVpcsCommand({ VpcIds: [vpc] }));
    assert.equal(described.Vpcs[0].VpcId, vpc);
  });

  test('a wrong secret is SignatureDoesNotMatch 403 and changes nothing', async () => {
    await rejectsWith(client({ secret: 'wrong' }).send(new CreateVpcCommand({ CidrBlock: '10.82.0.0/16' })), 'SignatureDoesNotMatch', 403);
    assert.ok(!(await cidrs()).includes('10.82.0.0/16'));
  });

  test('an unknown key is AuthFailure 401', async () => {
    await rejectsWith(client({ key: 'AKIDNOBODY' }).send(new DescribeVpcsCommand({})), 'AuthFailure', 401);
  });

  for (const minutes of [16, -16]) {
    test(`a client clock ${minutes} minutes off is RequestExpired 400`, async () => {
      await rejectsWith(client({ systemClockOffset: minutes * 60_000 }).send(new DescribeVpcsCommand({})), 'RequestExpired', 400);
    });
  }

  test('a client clock 10 minutes off is served', async () => {
    const described = await client({ systemClockOffset: -10 * 60_000 }).send(new DescribeVpcsCommand({}));
    assert.equal(described.$metadata.httpStatusCode, 200);
  });

  test('a body changed after signing is SignatureDoesNotMatch and changes nothing', async () => {
    const tampered = client();
    let changed = false;
    tampered.middlewareStack.addRelativeTo(
      (next) => async (args) => {
        changed = args.request.body.includes('10.83.0.0%2F16');
        args.request.body = args.request.body.replace('10.83.0.0%2F16', '10.84.0.0%2F16');
        return next(args);
      },
      { name: 'tamperAfterSigning', relation: 'after', toMiddleware: 'httpSigningMiddleware' },
    );
    await rejectsWith(tampered.send(new CreateVpcCommand({ CidrBlock: '10.83.0.0/16' })), 'SignatureDoesNotMatch', 403);
    assert.ok(changed, 'the middleware saw the signed body');
    const now = await cidrs();
    assert.ok(!now.includes('10.83.0.0/16') && !now.includes('10.84.0.0/16'));
  });

  test('the tapped client path is verified as the SDK signed it', async () => {
    const ec2 = client();
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.85.0.0/16' }))).Vpc.VpcId;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.85.1.0/24' }))).Subnet.SubnetId;
    const instance = (await ec2.send(new RunInstancesCommand({
      ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1, SubnetId: subnet, InstanceType: 't3.micro',
    }))).Instances[0].InstanceId;
    const registered = await fetch(`${endpoint}/_harness/clients`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'js', instanceId: instance }),
    });
    assert.equal(registered.status, 201);
    const tapped = (await registered.json()).ec2Endpoint;

    const described = await client({ endpoint: tapped }).send(new DescribeVpcsCommand({ VpcIds: [vpc] }));
    assert.equal(described.Vpcs[0].VpcId, vpc);
    await rejectsWith(client({ endpoint: tapped, secret: 'wrong' }).send(new DescribeVpcsCommand({})), 'SignatureDoesNotMatch', 403);
  });
});
