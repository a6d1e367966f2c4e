// What every test file needs to reach the harness run.sh started: Alibaba's clients pointed at its ECS port, and a
// fresh VPC with a vSwitch and a security group to work in.
import Ecs from '@alicloud/ecs20140526';
import Vpc from '@alicloud/vpc20160428';
import OpenApi from '@alicloud/openapi-core';
import RPCClient from '@alicloud/pop-core';

export const endpoint = process.env.HARNESS_ECS_ENDPOINT;
if (!endpoint) {
  throw new Error('HARNESS_ECS_ENDPOINT is not set (tests/conformance/alibaba/run.sh starts a harness and sets it)');
}

export const region = 'cn-hangzhou';
export { Ecs, Vpc };

const config = () => new OpenApi.$OpenApiUtil.Config({
  accessKeyId: 'LTAI5tHarnessExample', accessKeySecret: 'harness-secret', regionId: region, endpoint, protocol: 'http',
});

/** The ECS SDK (v7, ACS3-HMAC-SHA256, every parameter in the query of a POST). */
export const ecs = new Ecs.default(config());

/** The VPC SDK (v7, ACS3-HMAC-SHA256). */
export const vpc = new Vpc.default(config());

/** pop-core (HMAC-SHA1, GET by default, POST with a form body on request) for one API version. */
export const pop = (apiVersion) => new RPCClient({
  accessKeyId: 'LTAI5tHarnessExample', accessKeySecret: 'harness-secret', endpoint: `http://${endpoint}`, apiVersion,
});

/** A new VPC (10.N.0.0/16), a /24 vSwitch in its first zone, and a security group. */
export async function network(octet) {
  const v = await vpc.createVpc(new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: `10.${octet}.0.0/16` }));
  const sw = await vpc.createVSwitch(new Vpc.CreateVSwitchRequest({
    regionId: region, vpcId: v.body.vpcId, zoneId: 'cn-hangzhou-h', cidrBlock: `10.${octet}.1.0/24`,
  }));
  const sg = await ecs.createSecurityGroup(new Ecs.CreateSecurityGroupRequest({ regionId: region, vpcId: v.body.vpcId }));
  return { vpcId: v.body.vpcId, vSwitchId: sw.body.vSwitchId, securityGroupId: sg.body.securityGroupId };
}

/** A new Available ENI in the network. */
export async function eni(net, extra = {}) {
  const created = await ecs.createNetworkInterface(new Ecs.CreateNetworkInterfaceRequest({
    regionId: region, vSwitchId: net.vSwitchId, securityGroupId: net.securityGroupId, ...extra,
  }));
  return created.body;
}

/** The ENI as DescribeNetworkInterfaces shows it. */
export async function describeEni(id) {
  const r = await ecs.describeNetworkInterfaces(new Ecs.DescribeNetworkInterfacesRequest({ regionId: region, networkInterfaceId: [id] }));
  return r.body.networkInterfaceSets.networkInterfaceSet[0];
}

/** The error a call rejects with: its code, HTTP status and raw body (CORE clients' shape). */
export async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return { code: error.code, status: error.statusCode ?? error.data?.statusCode, data: error.data, message: error.message };
  }
  throw new Error('the call succeeded');
}

/** Polls until `read()` gives `want` (a status), at most 30 s; returns every status seen on the way. */
export async function waitFor(read, want) {
  const seen = [];
  for (const deadline = Date.now() + 30000; Date.now() < deadline;) {
    const status = await read();
    if (seen.at(-1) !== status) seen.push(status);
    if (status === want) return seen;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`still ${seen.at(-1)} after 30 s, waiting for ${want} (seen ${seen.join(' → ')})`);
}

/** RunInstances in the network: the instance ids. */
export async function run(net, extra = {}) {
  const r = await ecs.runInstances(new Ecs.RunInstancesRequest({
    regionId: region, vSwitchId: net.vSwitchId, securityGroupId: net.securityGroupId, instanceType: 'ecs.g7.large', imageId: 'aliyun_3_x64', ...extra,
  }));
  return r.body.instanceIdSets.instanceIdSet;
}

/** The instance as DescribeInstances shows it (undefined when it is not listed). */
export async function describeInstance(id) {
  const r = await ecs.describeInstances(new Ecs.DescribeInstancesRequest({ regionId: region, instanceIds: JSON.stringify([id]) }));
  return r.body.instances.instance[0];
}

export const controlUrl = process.env.HARNESS_CONTROL_URL;

/** One control API call (/_harness/…); the parsed JSON body. */
export async function control(method, path, body) {
  const response = await fetch(controlUrl + path, {
    method, headers: method === 'GET' ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The instance's own metadata endpoint (http://127.a.b.c:port), once the harness serves it. */
export async function imdsOf(instanceId) {
  for (const deadline = Date.now() + 30000; Date.now() < deadline;) {
    const response = await fetch(`${controlUrl}/_harness/instances/${instanceId}`);
    if (response.ok) return (await response.json()).imdsEndpoint;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`no metadata endpoint for ${instanceId}`);
}
