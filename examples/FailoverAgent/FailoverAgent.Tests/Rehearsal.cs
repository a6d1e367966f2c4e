using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Harness.Client;

namespace FailoverAgent.Tests;

/// <summary>
/// One failover against a harness, wherever it runs: a pair of instances with the virtual IP on the primary, the agent
/// run for the standby at endpoints of its own (so the harness records what it did), and the verdict from those
/// records: did the agent read its metadata listing the address before it declared itself the owner?
/// </summary>
internal static class Rehearsal
{
    public const string Vip = "10.0.1.50";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <param name="control">The harness's control API.</param>
    /// <param name="ec2Endpoint">Its EC2 endpoint, for setting up the pair.</param>
    /// <param name="metadataEndpointOf">The metadata base URL the agent is given, from its registration.</param>
    public static async Task<Verdict> RunAsync(
        HarnessClient control, Uri ec2Endpoint, Func<RegisteredClient, string> metadataEndpointOf, bool waitForMetadata)
    {
        await control.SetPropagationAsync(new PropagationUpdate { Imds = "fixed(1500ms)" });
        using var admin = Ec2(ec2Endpoint.ToString());
        var vpc = (await admin.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16" })).Vpc.VpcId;
        var subnet = (await admin.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.0.1.0/24" })).Subnet.SubnetId;
        var instances = (await admin.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12345678", InstanceType = InstanceType.M5Large, MinCount = 2, MaxCount = 2, SubnetId = subnet,
        })).Reservation.Instances;
        var (primary, standby) = (instances[0], instances[1]);
        await admin.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = primary.NetworkInterfaces[0].NetworkInterfaceId, PrivateIpAddresses = [Vip],
        });
        await control.WaitUntilConvergedAsync(timeout: TimeSpan.FromSeconds(30));

        var agent = await control.RegisterClientAsync("failover-agent", standby.InstanceId);
        TakeoverResult result;
        using (MetadataEndpoint.Use(metadataEndpointOf(agent)))
        using (var ec2 = Ec2(agent.Ec2Endpoint))
        {
            result = await new VipTakeover(ec2, waitForMetadata).TakeOverAsync(Vip, Deadline);
        }

        var declared = await control.EndClientAsync(agent.Id);
        return Verdict.Of(await control.GetClientRecordsAsync(agent.Id), Vip, declared, result);
    }

    private static AmazonEC2Client Ec2(string endpoint) => new(
        new BasicAWSCredentials("AKIDEXAMPLE", "harness-secret"),
        new AmazonEC2Config { ServiceURL = endpoint, AuthenticationRegion = "us-east-1" });

    /// <summary>
    /// Points the SDK's <c>EC2InstanceMetadata</c> at one instance the way a process on it is configured:
    /// <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c>. The SDK caches that variable, so the scope resets its cache after setting
    /// it and after putting the old value back. Process-wide: the tests run one at a time (<see cref="AgentCollection"/>).
    /// </summary>
    private sealed class MetadataEndpoint : IDisposable
    {
        private const string Variable = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
        private readonly string? previous = Environment.GetEnvironmentVariable(Variable);

        private MetadataEndpoint(string endpoint)
        {
            Environment.SetEnvironmentVariable(Variable, endpoint);
            FallbackInternalConfigurationFactory.Reset();
        }

        public static MetadataEndpoint Use(string endpoint) => new(endpoint);

        public void Dispose()
        {
            Environment.SetEnvironmentVariable(Variable, previous);
            FallbackInternalConfigurationFactory.Reset();
        }
    }
}

/// <summary>
/// What the harness recorded of the agent: when EC2 answered its move, and the first read of its own metadata that
/// listed the address. The agent waited if that read came before the end it declared (all on the harness's clock).
/// </summary>
internal sealed record Verdict(bool Waited, DateTimeOffset? Moved, DateTimeOffset? FirstSeen, DateTimeOffset Declared, TakeoverResult Result)
{
    public static Verdict Of(ClientRecords records, string vip, DateTimeOffset declared, TakeoverResult result)
    {
        var moved = records.Records.FirstOrDefault(r => r is { Channel: "ec2", Status: 200, Target: "AssignPrivateIpAddresses" })?.At;
        var seen = records.Records.FirstOrDefault(r =>
            r is { Channel: "imds", Status: 200, AfterEnd: false } && moved is not null && r.At >= moved
            && r.Target.EndsWith("/local-ipv4s", StringComparison.Ordinal)
            && (r.Body ?? "").Split('\n').Contains(vip))?.At;
        return new Verdict(moved is not null && seen is not null && seen <= declared, moved, seen, declared, result);
    }

    public override string ToString() =>
        $"moved at {Moved:HH:mm:ss.fff}, first listed in its metadata at {(FirstSeen is { } at ? at.ToString("HH:mm:ss.fff") : "never")}, declared at {Declared:HH:mm:ss.fff}";
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AgentCollection
{
    public const string Name = "The SDK's metadata endpoint is process-wide";
}
