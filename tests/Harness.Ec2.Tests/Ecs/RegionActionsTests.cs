using System.Net;
using Harness.Testing;

namespace Harness.Ec2.Tests.Ecs;

/// <summary>DescribeRegions and DescribeZones: the regions the harness serves and each one's zones, in JSON and XML.</summary>
public sealed class RegionActionsTests(EcsHarness harness) : EcsFakeClockTests(harness)
{
    [Fact]
    public async Task DescribeRegions_WithoutRegionId_ListsEveryServedRegionWithItsEndpoint()
    {
        var body = await Harness.OkAsync("DescribeRegions", EcsCall.Ecs, ("AcceptLanguage", "zh-CN"));

        var regions = body.GetProperty("Regions").GetProperty("Region").EnumerateArray().ToDictionary(r => r.GetProperty("RegionId").GetString()!);
        Assert.Equal(18, regions.Count);
        Assert.Equal("China (Hangzhou)", regions["cn-hangzhou"].GetProperty("LocalName").GetString());
        Assert.Equal("ecs-cn-hangzhou.aliyuncs.com", regions["cn-hangzhou"].GetProperty("RegionEndpoint").GetString());
        Assert.Equal("ecs.ap-southeast-1.aliyuncs.com", regions["ap-southeast-1"].GetProperty("RegionEndpoint").GetString());
        Assert.Equal("Singapore", regions["ap-southeast-1"].GetProperty("LocalName").GetString());
        Assert.All(regions.Values, r => Assert.Equal("available", r.GetProperty("Status").GetString()));
        Assert.Matches("^[0-9A-F-]{36}$", body.GetProperty("RequestId").GetString());
    }

    [Fact]
    public async Task DescribeRegions_InXml_RepeatsRegionInsideRegions()
    {
        var (status, body) = await Harness.SendXmlAsync("DescribeRegions", EcsCall.Ecs);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("DescribeRegionsResponse", body.Name.LocalName);
        Assert.Equal(18, body.Element("Regions")!.Elements("Region").Count());
        Assert.Contains(body.Element("Regions")!.Elements("Region"), r => r.Element("RegionId")?.Value == "cn-beijing");
    }

    [Fact]
    public async Task DescribeZones_ListsTheZonesTheRegionServes_WithTheKnownInstanceTypes()
    {
        var body = await Harness.OkAsync("DescribeZones", EcsCall.Ecs, ("RegionId", Region));

        var zones = body.GetProperty("Zones").GetProperty("Zone").EnumerateArray().ToList();
        Assert.Equal(["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"], zones.Select(z => z.GetProperty("ZoneId").GetString()));
        Assert.Equal("Hangzhou Zone H", zones[0].GetProperty("LocalName").GetString());
        Assert.Equal("AvailabilityZone", zones[0].GetProperty("ZoneType").GetString());
        var types = zones[0].GetProperty("AvailableInstanceTypes").GetProperty("InstanceTypes").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains("ecs.g7.large", types);
        Assert.Contains("VSwitch", zones[0].GetProperty("AvailableResourceCreation").GetProperty("ResourceTypes").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task DescribeZones_VerboseFalse_GivesIdsAndNamesOnly()
    {
        var body = await Harness.OkAsync("DescribeZones", EcsCall.Ecs, ("RegionId", "ap-southeast-1"), ("Verbose", "false"));

        var zone = body.GetProperty("Zones").GetProperty("Zone")[0];
        Assert.Equal("ap-southeast-1-a", zone.GetProperty("ZoneId").GetString());
        Assert.Equal("Singapore Zone A", zone.GetProperty("LocalName").GetString());
        Assert.False(zone.TryGetProperty("AvailableInstanceTypes", out _));
    }

    [Fact]
    public async Task DescribeZones_AZoneItLists_TakesAVSwitch()
    {
        var body = await Harness.OkAsync("DescribeZones", EcsCall.Ecs, ("RegionId", "cn-beijing"));
        var zone = body.GetProperty("Zones").GetProperty("Zone").EnumerateArray().Last().GetProperty("ZoneId").GetString()!;
        var vpc = (await Harness.OkAsync("CreateVpc", EcsCall.Vpc, ("RegionId", "cn-beijing"), ("CidrBlock", "10.0.0.0/16"))).GetProperty("VpcId").GetString()!;

        var created = await Harness.OkAsync("CreateVSwitch", EcsCall.Vpc, ("RegionId", "cn-beijing"), ("VpcId", vpc), ("ZoneId", zone), ("CidrBlock", "10.0.1.0/24"));

        Assert.StartsWith("vsw-2ze", created.GetProperty("VSwitchId").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 400, "MissingParameter")]
    [InlineData("mars-north-1", 400, "Forbidden.RegionId")]
    public async Task DescribeZones_WithoutAServedRegion_IsRefused(string? region, int status, string code)
    {
        (string, string)[] parameters = region is null ? [] : [("RegionId", region)];

        Assert.Equal((status, code), await Harness.ErrorAsync("DescribeZones", EcsCall.Ecs, parameters));
    }

    [Fact]
    public async Task DescribeZones_BadVerbose_IsInvalidParameter()
    {
        Assert.Equal((400, "InvalidParameter"), await Harness.ErrorAsync("DescribeZones", EcsCall.Ecs, ("RegionId", Region), ("Verbose", "maybe")));
    }
}
