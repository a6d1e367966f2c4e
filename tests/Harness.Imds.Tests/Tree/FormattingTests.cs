using System.Globalization;
using System.Text.Json;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Tree;

/// <summary>How IMDS writes what it serves: text/plain lists, and the pretty-printed identity document.</summary>
public sealed class FormattingTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Theory]
    [InlineData("/latest/meta-data/")]
    [InlineData("/latest/meta-data/instance-id")]
    [InlineData("/latest/meta-data/network/interfaces/macs/")]
    [InlineData("/latest/dynamic/instance-identity/document")]
    public async Task Reply_IsTextPlainWithoutTrailingNewline(string path)
    {
        var instance = await LaunchAsync();

        var reply = await Harness.GetImdsAsync(instance.Address, path);

        Assert.Equal("text/plain", reply.ContentType);
        Assert.Equal("EC2ws", reply.Server);
        Assert.DoesNotContain('\r', reply.Body);
        Assert.False(reply.Body.EndsWith('\n'), $"{path} ends with a newline");
    }

    [Fact]
    public async Task EveryListedName_Resolves_AndEachDirectoryListsNonEmptyNames()
    {
        var instance = await LaunchAsync();
        var perMacPath = $"network/interfaces/macs/{instance.Eth0.Mac}/";

        foreach (var directory in new[] { "", "placement/", "network/", "network/interfaces/", perMacPath })
        {
            foreach (var name in (await Harness.MetadataAsync(instance.Address, directory)).Split('\n'))
            {
                Assert.NotEmpty(name);
                var child = await Harness.MetadataAsync(instance.Address, directory + name);
                if (name.EndsWith('/'))
                {
                    Assert.All(child.Split('\n'), grandchild => Assert.NotEmpty(grandchild));
                }
            }
        }
    }

    [Fact]
    public async Task IdentityDocument_IsPrettyPrintedJsonWithTheInstancesFacts()
    {
        var instance = await LaunchAsync();

        var reply = await Harness.GetImdsAsync(instance.Address, "/latest/dynamic/instance-identity/document");

        Assert.StartsWith("{\n  \"accountId\" : \"123456789012\",\n", reply.Body);
        Assert.EndsWith("\n}", reply.Body);
        Assert.All(reply.Lines[1..^1], line => Assert.Matches("^  \"[A-Za-z]+\" : .+$", line));
        var document = JsonDocument.Parse(reply.Body).RootElement;
        Assert.Equal("123456789012", document.GetProperty("accountId").GetString());
        Assert.Equal(instance.InstanceId, document.GetProperty("instanceId").GetString());
        Assert.Equal("m5.large", document.GetProperty("instanceType").GetString());
        Assert.Equal(Topology.ImageId, document.GetProperty("imageId").GetString());
        Assert.Equal(instance.Eth0.PrivateIp, document.GetProperty("privateIp").GetString());
        Assert.Equal("us-east-1", document.GetProperty("region").GetString());
        Assert.Equal(await Harness.MetadataAsync(instance.Address, "placement/availability-zone"), document.GetProperty("availabilityZone").GetString());
        Assert.Equal("2017-09-30", document.GetProperty("version").GetString());
        Assert.Equal("x86_64", document.GetProperty("architecture").GetString());
        Assert.Equal(
            Harness.Clock!.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            document.GetProperty("pendingTime").GetString());
    }

    [Fact]
    public async Task Dynamic_ListsInstanceIdentityDirectory()
    {
        var instance = await LaunchAsync();

        Assert.Equal("instance-identity/", (await Harness.GetImdsAsync(instance.Address, "/latest/dynamic/")).Body);
        Assert.Equal("document", (await Harness.GetImdsAsync(instance.Address, "/latest/dynamic/instance-identity/")).Body);
    }
}
