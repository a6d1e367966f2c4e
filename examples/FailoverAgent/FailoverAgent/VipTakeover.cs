using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Util;

namespace FailoverAgent;

/// <summary>
/// Takes a virtual IP over the way a failover agent on EC2 should: find this instance's primary interface from its own
/// metadata, move the address there with <c>AssignPrivateIpAddresses</c> (<c>AllowReassignment</c>), and only then wait
/// until the instance's metadata lists it. EC2 answers the move at once; the metadata shows it seconds later, and an
/// agent that declares itself the owner before then announces an address the instance cannot use yet.
/// </summary>
/// <param name="ec2">The EC2 client (its endpoint from <c>AWS_ENDPOINT_URL_EC2</c> or <c>ServiceURL</c>).</param>
/// <param name="waitForMetadata">False makes the agent a naive one that declares at once: the mistake the harness catches.</param>
public sealed class VipTakeover(IAmazonEC2 ec2, bool waitForMetadata = true)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Moves <paramref name="vip"/> here and returns once this instance's metadata lists it; throws <see cref="TimeoutException"/> past <paramref name="deadline"/>.</summary>
    public async Task<TakeoverResult> TakeOverAsync(string vip, TimeSpan deadline, CancellationToken cancellation = default)
    {
        var started = TimeProvider.System.GetTimestamp();
        var mac = await ReadAsync("/mac", started, deadline, cancellation);
        var eni = await ReadAsync($"/network/interfaces/macs/{mac}/interface-id", started, deadline, cancellation);

        await ec2.AssignPrivateIpAddressesAsync(
            new AssignPrivateIpAddressesRequest { NetworkInterfaceId = eni, PrivateIpAddresses = [vip], AllowReassignment = true }, cancellation);
        var assigned = TimeProvider.System.GetElapsedTime(started);

        while (waitForMetadata && !LocalIpv4s(mac).Contains(vip))
        {
            Check(started, deadline, $"this instance's metadata did not list {vip}");
            await Task.Delay(Poll, cancellation);
        }

        return new TakeoverResult(eni, assigned, TimeProvider.System.GetElapsedTime(started));
    }

    /// <summary>The addresses the metadata lists on the interface (none when the read fails: the caller polls again).</summary>
    private static string[] LocalIpv4s(string mac) =>
        EC2InstanceMetadata.GetData($"/network/interfaces/macs/{mac}/local-ipv4s")?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>Reads a metadata key, retrying failed reads (the SDK answers null) until the deadline.</summary>
    private static async Task<string> ReadAsync(string path, long started, TimeSpan deadline, CancellationToken cancellation)
    {
        while (true)
        {
            if (EC2InstanceMetadata.GetData(path) is { Length: > 0 } value)
            {
                return value.Trim();
            }

            Check(started, deadline, $"metadata {path} did not answer");
            await Task.Delay(Poll, cancellation);
        }
    }

    private static void Check(long started, TimeSpan deadline, string what)
    {
        if (TimeProvider.System.GetElapsedTime(started) >= deadline)
        {
            throw new TimeoutException($"{what} within {deadline.TotalSeconds:0} s");
        }
    }
}

/// <param name="NetworkInterfaceId">The interface the address was moved to.</param>
/// <param name="Assigned">When EC2 answered the move, from the start.</param>
/// <param name="Declared">When the agent declared itself the owner, from the start.</param>
public sealed record TakeoverResult(string NetworkInterfaceId, TimeSpan Assigned, TimeSpan Declared);
