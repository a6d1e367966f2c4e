using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Tree;

/// <summary><c>tags/instance/</c>: served only when the instance's <c>InstanceMetadataTags</c> is enabled.</summary>
public sealed class TagsTreeTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    private static Dictionary<string, string> Tagged(string metadataTags) => new()
    {
        ["MetadataOptions.InstanceMetadataTags"] = metadataTags,
        ["TagSpecification.1.ResourceType"] = "instance",
        ["TagSpecification.1.Tag.1.Key"] = "Name",
        ["TagSpecification.1.Tag.1.Value"] = "web-a",
        ["TagSpecification.1.Tag.2.Key"] = "role",
        ["TagSpecification.1.Tag.2.Value"] = "primary",
    };

    [Fact]
    public async Task Tags_Enabled_ListsKeysAndServesValues()
    {
        var instance = await LaunchAsync(extra: _ => Tagged("enabled"));

        Assert.Contains("tags/", (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/")).Lines);
        Assert.Equal("instance", await Harness.MetadataAsync(instance.Address, "tags"));
        Assert.Equal(["Name", "role"], (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/tags/instance")).Lines);
        Assert.Equal("web-a", await Harness.MetadataAsync(instance.Address, "tags/instance/Name"));
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/tags/instance/missing")).Status);
    }

    [Fact]
    public async Task Tags_Disabled_AreNotServed()
    {
        var instance = await LaunchAsync(extra: _ => Tagged("disabled"));

        Assert.DoesNotContain("tags/", (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/")).Lines);
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/tags/instance/Name")).Status);
    }
}
