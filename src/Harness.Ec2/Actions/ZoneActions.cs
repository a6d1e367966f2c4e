using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;
using Harness.Ec2.Protocol;

namespace Harness.Ec2.Actions;

/// <summary>DescribeAvailabilityZones and DescribeRegions.</summary>
internal static class ZoneActions
{
    public static Task DescribeAvailabilityZones(Ec2Context context)
    {
        var p = context.Parameters;
        var region = context.Region;
        var zones = region.AvailabilityZones.Select(z => new Zone(z, region.ZoneIdOf(z), region.Name)).ToList();
        var names = p.GetList("ZoneName");
        var ids = p.GetList("ZoneId");
        foreach (var name in names.Where(n => zones.All(z => z.Name != n)))
        {
            throw Ec2Errors.InvalidParameterValue($"The zone '{name}' does not exist.");
        }

        var filters = Filters<Zone>.Parse(p, new Dictionary<string, Func<Zone, IEnumerable<string?>>>
        {
            ["zone-name"] = z => [z.Name],
            ["zone-id"] = z => [z.Id],
            ["region-name"] = z => [z.Region],
            ["state"] = _ => ["available"],
            ["zone-type"] = _ => ["availability-zone"],
            ["group-name"] = z => [z.Region],
            ["opt-in-status"] = _ => ["opt-in-not-required"],
        });
        context.ThrowIfDryRun();
        context.Response.Set(
            "availabilityZoneInfo",
            zones.Where(z => (names.Count == 0 || names.Contains(z.Name)) && (ids.Count == 0 || ids.Contains(z.Id)) && filters.Matches(z)),
            static (x, z) => x
                .Element("zoneName", z.Name)
                .Element("zoneState", "available")
                .Element("regionName", z.Region)
                .Element("zoneId", z.Id)
                .Element("groupName", z.Region)
                .Element("networkBorderGroup", z.Region)
                .Element("zoneType", "availability-zone")
                .Element("optInStatus", "opt-in-not-required")
                .Set("messageSet", Array.Empty<int>(), static (_, _) => { }));
        return Task.CompletedTask;
    }

    public static Task DescribeRegions(Ec2Context context)
    {
        var p = context.Parameters;
        var names = p.GetList("RegionName");
        var filters = Filters<string>.Parse(p, new Dictionary<string, Func<string, IEnumerable<string?>>>
        {
            ["region-name"] = r => [r],
            ["endpoint"] = r => [$"ec2.{r}.amazonaws.com"],
            ["opt-in-status"] = _ => ["opt-in-not-required"],
        });
        context.ThrowIfDryRun();
        context.Response.Set(
            "regionInfo",
            RegionDirectory.KnownRegions.Where(r => (names.Count == 0 || names.Contains(r)) && filters.Matches(r)),
            static (x, r) => x.Element("regionName", r).Element("regionEndpoint", $"ec2.{r}.amazonaws.com").Element("optInStatus", "opt-in-not-required"));
        return Task.CompletedTask;
    }

    private sealed record Zone(string Name, string Id, string Region);
}
