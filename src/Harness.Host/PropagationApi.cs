using System.Collections.Immutable;
using System.Text.Json;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Harness.Host;

/// <summary>
/// <c>/_harness/propagation</c>: the delay models changes draw from, per-instance and per-interface overrides, and
/// flushing what is pending. Settings apply to changes made after they are set.
/// </summary>
internal static partial class PropagationApi
{
    public static RouteGroupBuilder MapPropagationApi(this RouteGroupBuilder api)
    {
        api.MapGet("/propagation", Get).WithDescription("The delay models changes draw from: imds, kinds, instances, interfaces, reorder, forcedDetachStaysStale");
        api.MapPut("/propagation", PutAsync).WithDescription("Sets any of the fields GET returns, for changes made from then on");
        api.MapPost("/propagation/flush", FlushAsync).WithDescription("Applies every pending metadata change now");
        api.MapPut("/propagation/instances/{instanceId}", PutInstanceAsync).WithDescription("Sets one instance's delay model, {\"imds\":\"<spec>\"}");
        api.MapDelete("/propagation/instances/{instanceId}", DeleteInstanceAsync).WithDescription("Removes one instance's delay model");
        api.MapPut("/propagation/interfaces/{networkInterfaceId}", PutInterfaceAsync).WithDescription("Sets one network interface's delay model, {\"imds\":\"<spec>\"}");
        api.MapDelete("/propagation/interfaces/{networkInterfaceId}", DeleteInterfaceAsync).WithDescription("Removes one network interface's delay model");
        return api;
    }

    private static Ok<SettingsDocument> Get(MetadataPropagation propagation) => TypedResults.Ok(SettingsDocument.Of(propagation.Settings));

    private static async Task<Results<Ok<SettingsDocument>, ProblemHttpResult>> PutAsync(
        HttpContext http, MetadataPropagation propagation, RegionDirectory regions, ClusterMembers members)
    {
        var (body, problem) = await ReadObjectAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        // Validate everything first, then apply the edits atomically to whatever the settings are by then, so
        // concurrent PUTs of different fields do not lose each other.
        var edits = new List<Func<PropagationSettings, PropagationSettings>>();
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "imds":
                    if (!TryModel(property.Value, "imds", out var model, out problem))
                    {
                        return problem;
                    }

                    edits.Add(s => s with { Imds = model });
                    break;
                case "kinds":
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        return Bad("\"kinds\" must be an object of kind to delay spec (null removes an override).", "kinds");
                    }

                    foreach (var kind in property.Value.EnumerateObject())
                    {
                        var name = kind.Name;
                        if (!MetadataChangeKinds.All.Contains(name))
                        {
                            return Bad($"Unknown kind of change '{name}'. Known: {string.Join(", ", MetadataChangeKinds.All)}.", "kinds." + name);
                        }

                        if (kind.Value.ValueKind == JsonValueKind.Null)
                        {
                            edits.Add(s => s with { Kinds = s.Kinds.Remove(name) });
                            continue;
                        }

                        if (!TryModel(kind.Value, "kinds." + name, out var kindModel, out problem))
                        {
                            return problem;
                        }

                        edits.Add(s => s with { Kinds = s.Kinds.SetItem(name, kindModel) });
                    }

                    break;
                case "reorder" or "forcedDetachStaysStale":
                    if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        return Bad($"\"{property.Name}\" must be true or false.", property.Name);
                    }

                    var on = property.Value.GetBoolean();
                    edits.Add(property.Name == "reorder" ? s => s with { Reorder = on } : s => s with { ForcedDetachStaysStale = on });
                    break;
                case "instances" or "interfaces":
                    var instances = property.Name == "instances";
                    var current = instances ? propagation.Settings.Instances : propagation.Settings.Interfaces;
                    if (!TryOverrides(property, current, instances ? id => propagation.TryGetByInstanceId(id, out _)
                        : id => regions.All.Any(r => r.NetworkInterfaces.ContainsKey(id)), out var changes, out problem))
                    {
                        return problem;
                    }

                    edits.Add(instances
                        ? s => s with { Instances = changes.Aggregate(s.Instances, Apply) }
                        : s => s with { Interfaces = changes.Aggregate(s.Interfaces, Apply) });
                    break;
                default:
                    return Bad($"Unknown setting '{property.Name}'. Known: {string.Join(", ", Settings)}.", property.Name);
            }
        }

        return TypedResults.Ok(await UpdateAsync(propagation, members, s => edits.Aggregate(s, (current, edit) => edit(current))));
    }

    /// <summary>Flushes here, then on the cluster's other processes (each holds the same pending changes): this process's count.</summary>
    private static async Task<Ok<FlushReport>> FlushAsync(MetadataPropagation propagation, ClusterMembers members)
    {
        var applied = propagation.Flush();
        await members.FlushEverywhereAsync();
        return TypedResults.Ok(new FlushReport(applied));
    }

    private static async Task<Results<Ok<SettingsDocument>, ProblemHttpResult>> PutInstanceAsync(
        string instanceId, HttpContext http, MetadataPropagation propagation, ClusterMembers members)
    {
        if (!propagation.TryGetByInstanceId(instanceId, out _))
        {
            return ControlApi.NotFound($"No instance {instanceId}.");
        }

        var (model, problem) = await ReadOverrideAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Ok(await UpdateAsync(propagation, members, s => s with { Instances = s.Instances.SetItem(instanceId, model!) }));
    }

    private static async Task<Ok<SettingsDocument>> DeleteInstanceAsync(string instanceId, MetadataPropagation propagation, ClusterMembers members) =>
        TypedResults.Ok(await UpdateAsync(propagation, members, s => s with { Instances = s.Instances.Remove(instanceId) }));

    private static async Task<Results<Ok<SettingsDocument>, ProblemHttpResult>> PutInterfaceAsync(
        string networkInterfaceId, HttpContext http, MetadataPropagation propagation, RegionDirectory regions, ClusterMembers members)
    {
        if (!regions.All.Any(r => r.NetworkInterfaces.ContainsKey(networkInterfaceId)))
        {
            return ControlApi.NotFound($"No network interface {networkInterfaceId}.");
        }

        var (model, problem) = await ReadOverrideAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Ok(await UpdateAsync(propagation, members, s => s with { Interfaces = s.Interfaces.SetItem(networkInterfaceId, model!) }));
    }

    private static async Task<Ok<SettingsDocument>> DeleteInterfaceAsync(string networkInterfaceId, MetadataPropagation propagation, ClusterMembers members) =>
        TypedResults.Ok(await UpdateAsync(propagation, members, s => s with { Interfaces = s.Interfaces.Remove(networkInterfaceId) }));

    /// <summary>Changes the settings here and, in a cluster, puts the result in force on every process.</summary>
    private static async Task<SettingsDocument> UpdateAsync(
        MetadataPropagation propagation, ClusterMembers members, Func<PropagationSettings, PropagationSettings> change)
    {
        var updated = propagation.UpdateSettings(change);
        await members.PublishPropagationAsync(updated);
        return SettingsDocument.Of(updated);
    }
}
