using Harness.Client;
using Harness.Ec2.Tests.Protocol;
using Harness.Host;

namespace Harness.Ec2.Tests.Client;

/// <summary>
/// An instance's <c>metadataUrl</c>: the metadata port with the instance's id as the path, on the host the caller used,
/// or under <c>serve --public-imds-url</c> when the metadata port is published on another number; reads through it
/// reach that instance.
/// </summary>
public sealed class MetadataUrlTests
{
    [Fact]
    public async Task ByDefault_TheCallersHostAndTheMetadataPort_AndReadsThroughItReachTheInstance()
    {
        var server = await HarnessServer.StartAsync(new HarnessHostOptions(Seed: 6));
        try
        {
            using var client = new HarnessClient(server.BaseAddress);
            var instanceId = await LaunchAsync(server);

            var instance = await client.GetInstanceAsync(instanceId);
            using var http = new HttpClient();
            var read = await http.GetStringAsync(instance.MetadataUrl + "latest/meta-data/instance-id");

            Assert.Equal($"http://127.0.0.1:{new Uri(instance.ImdsEndpoint).Port}/{instanceId}/", instance.MetadataUrl);
            Assert.Equal(instanceId, read);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithAPublicImdsUrl_ItIsTheBase()
    {
        var options = new HarnessHostOptions(Seed: 6) { PublicImdsUrl = new Uri("http://127.0.0.1:32769/") };
        var server = await HarnessServer.StartAsync(options);
        try
        {
            using var client = new HarnessClient(server.BaseAddress);
            var instanceId = await LaunchAsync(server);

            var listed = Assert.Single(await client.GetInstancesAsync());

            Assert.Equal($"http://127.0.0.1:32769/{instanceId}/", listed.MetadataUrl);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<string> LaunchAsync(HarnessServer server)
    {
        var subnet = await TopologyBuilder.SubnetAsync(server);
        var run = await server.OkAsync("RunInstances", new Dictionary<string, string>
        {
            ["ImageId"] = "ami-12345678", ["InstanceType"] = "t3.micro", ["MinCount"] = "1", ["MaxCount"] = "1", ["SubnetId"] = subnet,
        });
        return HarnessServer.Value(run, "instanceId");
    }
}
