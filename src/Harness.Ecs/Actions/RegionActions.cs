using System.Text.Json.Nodes;
using Harness.Domain.Catalog;
using Harness.Domain.Clouds;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>
/// DescribeRegions and DescribeZones: the regions the harness serves (<see cref="AlibabaRegions"/>) and each one's zones as
/// its rules make them. Names are English whatever <c>AcceptLanguage</c> asks (it is accepted and not read; Alibaba's default is Chinese).
/// </summary>
internal static class RegionActions
{
    private static readonly string[] ResourceTypes = ["VSwitch", "IoOptimized", "Instance", "Disk"];

    private static readonly string[] DiskCategories = ["cloud_essd", "cloud_efficiency", "cloud_ssd"];

    /// <summary>Every region; the only action that takes no <c>RegionId</c>.</summary>
    public static Task DescribeRegions(EcsContext context)
    {
        context.Body["Regions"] = Paging.Wrap("Region", AlibabaRegions.All.Select(id => (JsonNode)new JsonObject
        {
            ["RegionId"] = id,
            ["LocalName"] = AlibabaRegions.NameOf(id),
            ["RegionEndpoint"] = id == "cn-hangzhou" ? "ecs-cn-hangzhou.aliyuncs.com" : $"ecs.{id}.aliyuncs.com",
            ["Status"] = "available",
        }));
        return Task.CompletedTask;
    }

    /// <summary>The region's zones; with <c>Verbose=false</c> only their ids and names.</summary>
    public static Task DescribeZones(EcsContext context)
    {
        var verbose = context.Parameters.GetBool("Verbose") ?? true;
        var types = AlibabaInstanceTypes.All.Keys.Order(StringComparer.Ordinal).ToList();
        context.Body["Zones"] = Paging.Wrap("Zone", context.Region.AvailabilityZones.Select(zone =>
        {
            var shown = new JsonObject
            {
                ["ZoneId"] = zone,
                ["LocalName"] = AlibabaRegions.ZoneNameOf(zone),
                ["ZoneType"] = "AvailabilityZone",
            };
            if (verbose)
            {
                shown["AvailableResourceCreation"] = Paging.Wrap("ResourceTypes", ResourceTypes.Select(t => (JsonNode)t));
                shown["AvailableInstanceTypes"] = Paging.Wrap("InstanceTypes", types.Select(t => (JsonNode)t));
                shown["AvailableDiskCategories"] = Paging.Wrap("DiskCategories", DiskCategories.Select(c => (JsonNode)c));
                shown["AvailableVolumeCategories"] = Paging.Wrap("VolumeCategories", DiskCategories.Select(c => (JsonNode)c));
                shown["AvailableDedicatedHostTypes"] = Paging.Wrap("DedicatedHostType", []);
                shown["DedicatedHostGenerations"] = Paging.Wrap("DedicatedHostGeneration", []);
            }

            return (JsonNode)shown;
        }));
        return Task.CompletedTask;
    }
}
