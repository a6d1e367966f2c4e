using System.Net;
using System.Text.Json;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Util;

namespace Harness.Conformance.Tests;

/// <summary>
/// <see cref="EC2InstanceMetadata"/> (AWSSDK.Core) reading one instance's metadata through
/// <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> set to that instance's own <c>imdsEndpoint</c>, with IMDSv2 tokens
/// (the SDK always PUTs for one first), and EC2 changes reaching it only after the propagation delay.
/// </summary>
[Collection(InstanceMetadataCollection.Name)]
public sealed class InstanceMetadataTests(SdkHarness harness)
{
    /// <summary>Below <see cref="SdkHarness.Propagation"/>, for timer granularity: a change must not show sooner.</summary>
    private static readonly TimeSpan MinimumDelay = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task TheCachedIdentityProperties_AreThisInstancesOwn()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 70);
        var instance = await net.RunAsync(ec2);
        var endpoint = await ReadyAsync(instance.InstanceId);

        using var _ = MetadataEndpoint.Use(endpoint);

        // InstanceId, PrivateIpAddress, MacAddress and AvailabilityZone are cached by the SDK for the life of the
        // process, keyed by path and not by endpoint: this is the only test that reads them.
        Assert.Equal(instance.InstanceId, EC2InstanceMetadata.InstanceId);
        Assert.Equal(instance.PrivateIpAddress, EC2InstanceMetadata.PrivateIpAddress);
        Assert.Equal(instance.NetworkInterfaces.Single().MacAddress, EC2InstanceMetadata.MacAddress);
        Assert.Equal(net.AvailabilityZone, EC2InstanceMetadata.AvailabilityZone);
        Assert.Equal("m5.large", EC2InstanceMetadata.InstanceType);
        Assert.Equal(RegionEndpoint.USEast1, EC2InstanceMetadata.Region);
        using var identity = JsonDocument.Parse(EC2InstanceMetadata.IdentityDocument);
        Assert.Equal(instance.InstanceId, identity.RootElement.GetProperty("instanceId").GetString());
        Assert.Equal(instance.PrivateIpAddress, identity.RootElement.GetProperty("privateIp").GetString());
    }

    [Fact]
    public async Task NetworkInterfaces_ListEveryAttachedInterface_WithItsMacIdAndAddresses()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 71);
        var instance = await net.RunAsync(ec2);
        var eth1 = await net.CreateInterfaceAsync(ec2);
        await ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = eth1.NetworkInterfaceId, InstanceId = instance.InstanceId, DeviceIndex = 1,
        });
        await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = eth1.NetworkInterfaceId, PrivateIpAddresses = ["10.71.1.100", "10.71.1.101"],
        });
        var endpoint = await ReadyAsync(instance.InstanceId);
        var described = (await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("attachment.instance-id", [instance.InstanceId])],
        })).NetworkInterfaces;

        using var _ = MetadataEndpoint.Use(endpoint);
        var interfaces = EC2InstanceMetadata.NetworkInterfaces.ToList();

        Assert.Equal(described.Select(n => n.MacAddress).Order(), interfaces.Select(n => n.MacAddress).Order());
        foreach (var nic in interfaces)
        {
            var eni = described.Single(n => n.MacAddress == nic.MacAddress);
            Assert.Equal(eni.NetworkInterfaceId, EC2InstanceMetadata.GetData($"/network/interfaces/macs/{nic.MacAddress}/interface-id"));
            Assert.Equal(eni.PrivateIpAddresses.Select(p => p.PrivateIpAddress).Order(), nic.LocalIPv4s.Order());
            Assert.Equal(eni.PrivateIpAddress, nic.LocalIPv4s.First());
            Assert.Equal(net.SubnetId, nic.SubnetId);
            Assert.Equal(net.VpcId, nic.VpcId);
            Assert.Equal("10.71.1.0/24", nic.SubnetIPv4CidrBlock);
        }

        Assert.Equal(["10.71.1.100", "10.71.1.101"], interfaces.Single(n => n.MacAddress == eth1.MacAddress).LocalIPv4s.Skip(1).Order());
    }

    [Fact]
    public async Task WithHttpTokensRequired_TheSdkStillReads_BecauseItFetchesAToken()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 72);
        var instance = await net.RunAsync(ec2);
        var endpoint = await ReadyAsync(instance.InstanceId);

        var modified = await ec2.ModifyInstanceMetadataOptionsAsync(new ModifyInstanceMetadataOptionsRequest
        {
            InstanceId = instance.InstanceId, HttpTokens = HttpTokensState.Required,
        });
        Assert.Equal(HttpTokensState.Required, modified.InstanceMetadataOptions.HttpTokens);
        var options = (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instance.InstanceId] }))
            .Reservations.Single().Instances.Single().MetadataOptions;
        Assert.Equal(HttpTokensState.Required, options.HttpTokens);

        // IMDSv1 is refused once the setting has reached the instance...
        using var plain = new HttpClient { BaseAddress = new Uri(endpoint) };
        await Eventually.UntilAsync(
            async () => (await plain.GetAsync("/latest/meta-data/instance-id")).StatusCode, s => s == HttpStatusCode.Unauthorized, "IMDSv1 refused");

        // ... and the SDK, which PUTs for a token before every read, is served.
        using var _ = MetadataEndpoint.Use(endpoint);
        var token = EC2InstanceMetadata.FetchApiToken();
        Assert.False(string.IsNullOrWhiteSpace(token));
        Assert.Equal(instance.InstanceId, EC2InstanceMetadata.GetData("/instance-id"));
        Assert.Equal(instance.PrivateIpAddress, Assert.Single(EC2InstanceMetadata.NetworkInterfaces).LocalIPv4s.Single());
    }

    [Fact]
    public async Task AnAssignedAddress_ShowsInLocalIPv4s_OnlyAfterThePropagationDelay()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 73);
        var instance = await net.RunAsync(ec2);
        var eth0 = instance.NetworkInterfaces.Single();
        var endpoint = await ReadyAsync(instance.InstanceId);
        using var _ = MetadataEndpoint.Use(endpoint);
        Assert.Equal([instance.PrivateIpAddress], LocalIPv4s(eth0.MacAddress));

        var start = TimeProvider.System.GetTimestamp();
        await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = eth0.NetworkInterfaceId, PrivateIpAddresses = ["10.73.1.40"],
        });
        var (seen, reads) = await FirstSeenAsync(start, () => LocalIPv4s(eth0.MacAddress).Contains("10.73.1.40"), "10.73.1.40 in local-ipv4s");

        Assert.True(seen >= MinimumDelay, $"the new address showed {seen.TotalMilliseconds:0} ms after the call began: sooner than the {SdkHarness.Propagation.TotalMilliseconds:0} ms propagation");
        Assert.True(reads >= 1, "no read before the address showed: the test proved no delay");
        Assert.Equal([instance.PrivateIpAddress, "10.73.1.40"], LocalIPv4s(eth0.MacAddress));
    }

    [Fact]
    public async Task AFloatingAddressMoved_LeavesTheOldInstanceAndReachesTheNew_EachReadAtItsOwnEndpoint()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 74);
        var a = await net.RunAsync(ec2);
        var b = await net.RunAsync(ec2);
        var floating = "10.74.1.30";
        await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = a.NetworkInterfaces.Single().NetworkInterfaceId, PrivateIpAddresses = [floating],
        });
        var endpointA = await ReadyAsync(a.InstanceId);
        var endpointB = await ReadyAsync(b.InstanceId);
        Assert.NotEqual(endpointA, endpointB);
        using (MetadataEndpoint.Use(endpointA))
        {
            Assert.Contains(floating, LocalIPv4s(a.NetworkInterfaces.Single().MacAddress));
        }

        var moved = TimeProvider.System.GetTimestamp();
        await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = b.NetworkInterfaces.Single().NetworkInterfaceId, PrivateIpAddresses = [floating], AllowReassignment = true,
        });

        using (MetadataEndpoint.Use(endpointB))
        {
            Assert.Equal(b.InstanceId, EC2InstanceMetadata.GetData("/instance-id"));
            var (onB, _) = await FirstSeenAsync(moved, () => LocalIPv4s(b.NetworkInterfaces.Single().MacAddress).Contains(floating), "the floating address on b");
            Assert.True(onB >= MinimumDelay, $"b's metadata showed the move after {onB.TotalMilliseconds:0} ms");
        }

        using (MetadataEndpoint.Use(endpointA))
        {
            Assert.Equal(a.InstanceId, EC2InstanceMetadata.GetData("/instance-id"));
            await FirstSeenAsync(moved, () => !LocalIPv4s(a.NetworkInterfaces.Single().MacAddress).Contains(floating), "the floating address gone from a");
            Assert.Equal([a.PrivateIpAddress], LocalIPv4s(a.NetworkInterfaces.Single().MacAddress));
        }
    }

    /// <summary>
    /// Through one address (a container's published port), the instance's id as the base URL's path: the SDK keeps the
    /// path and appends its own, with or without a trailing slash (with one it sends <c>//latest</c>).
    /// </summary>
    [Fact]
    public async Task ThroughOneAddress_TheBaseUrlsPathNamesTheInstance()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 75);
        var a = await net.RunAsync(ec2);
        var b = await net.RunAsync(ec2);
        await ReadyAsync(a.InstanceId);
        await ReadyAsync(b.InstanceId);

        foreach (var instance in new[] { a, b })
        {
            var url = (await harness.InstanceDocumentAsync(instance.InstanceId)).GetProperty("metadataUrl").GetString()!;
            Assert.Equal($"http://127.0.0.1:{new Uri(url).Port}/{instance.InstanceId}/", url);
            foreach (var endpoint in new[] { url, url.TrimEnd('/') })
            {
                using var _ = MetadataEndpoint.Use(endpoint);
                Assert.Equal(instance.InstanceId, EC2InstanceMetadata.GetData("/instance-id"));
                Assert.Equal([instance.PrivateIpAddress], LocalIPv4s(instance.NetworkInterfaces.Single().MacAddress));
            }
        }
    }

    /// <summary>The interface's addresses as the SDK's <see cref="NetworkInterfaceMetadata"/> reads them.</summary>
    private static List<string> LocalIPv4s(string mac) =>
        [.. EC2InstanceMetadata.NetworkInterfaces.Single(n => n.MacAddress == mac).LocalIPv4s];

    /// <summary>
    /// Polls a metadata read until it holds; returns how long after <paramref name="callStart"/> it first held and how
    /// many reads before that did not.
    /// </summary>
    private static async Task<(TimeSpan Seen, int ReadsBefore)> FirstSeenAsync(long callStart, Func<bool> shows, string what)
    {
        var readsBefore = 0;
        while (!shows())
        {
            readsBefore++;
            Assert.True(TimeProvider.System.GetElapsedTime(callStart) < Eventually.Deadline, $"{what}: not within {Eventually.Deadline.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }

        return (TimeProvider.System.GetElapsedTime(callStart), readsBefore);
    }

    /// <summary>Waits until the instance's metadata shows it running and in sync; returns its <c>imdsEndpoint</c>.</summary>
    private async Task<string> ReadyAsync(string instanceId)
    {
        var doc = await Eventually.UntilAsync(
            () => harness.InstanceDocumentAsync(instanceId),
            d => d.GetProperty("metadataState").GetString() == "running" && d.GetProperty("inSync").GetBoolean(),
            $"{instanceId}'s metadata running and in sync");
        var endpoint = doc.GetProperty("imdsEndpoint").GetString()!;
        Assert.StartsWith("http://127.", endpoint, StringComparison.Ordinal);
        return endpoint;
    }
}
