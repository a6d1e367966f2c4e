using System.Globalization;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Domain.Net;
using Harness.Imds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Harness.Host;

/// <summary>
/// <c>/_harness/instances</c> and <c>/_harness/events</c>: where each instance's metadata is served, what it shows
/// against the control plane, what is still on its way, and the timeline of changes and when instances saw them.
/// </summary>
internal static class InstancesApi
{
    private const int DefaultLimit = 1000;
    private const int MaxLimit = 10_000;

    public static RouteGroupBuilder MapInstancesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/instances", List).WithDescription("Every instance with its metadata endpoint and whether its metadata is in sync");
        api.MapGet("/instances/{instanceId}", Get).WithDescription("One instance: its metadata endpoint, state, pending changes and delay model");
        api.MapGet("/instances/{instanceId}/pending", Pending).WithDescription("The changes still on their way to one instance's metadata");
        api.MapGet("/instances/{instanceId}/metadata", Metadata).WithDescription("What one instance's metadata shows now, beside what the control plane holds");
        api.MapGet("/events", Events).WithDescription("The timeline of changes and when each instance saw them, paged");
        return api;
    }

    private static Ok<InstanceList> List(HttpContext http, MetadataPropagation propagation, RegionDirectory regions, ImdsListener listener) =>
        TypedResults.Ok(new InstanceList(propagation.Slots
            .OrderBy(s => s.Address)
            .Select(s => Describe(http, s.InstanceId, propagation, regions, listener))
            .OfType<InstanceDocument>()
            .ToList()));

    private static Results<Ok<InstanceDocument>, ProblemHttpResult> Get(
        HttpContext http, string instanceId, MetadataPropagation propagation, RegionDirectory regions, ImdsListener listener) =>
        Describe(http, instanceId, propagation, regions, listener) is { } document ? TypedResults.Ok(document) : UnknownInstance(instanceId);

    private static Results<Ok<PendingDocument>, ProblemHttpResult> Pending(string instanceId, MetadataPropagation propagation) =>
        propagation.Pending(instanceId) is { } pending ? TypedResults.Ok(new PendingDocument(instanceId, pending)) : UnknownInstance(instanceId);

    private static Results<Ok<MetadataDocument>, ProblemHttpResult> Metadata(string instanceId, MetadataPropagation propagation) =>
        propagation.Describe(instanceId) is { } status
            ? TypedResults.Ok(new MetadataDocument(instanceId, status.InSync, ViewDocument.Of(status.Slot.View), ViewDocument.Of(status.Desired)))
            : UnknownInstance(instanceId);

    private static Results<Ok<TimelinePage>, ProblemHttpResult> Events(HttpContext http, MetadataPropagation propagation)
    {
        var query = http.Request.Query;
        if (!TryNumber(query["after"], 0, long.MaxValue, 0, out var after))
        {
            return ControlApi.BadRequest("\"after\" must be a sequence number (0 or more).");
        }

        if (!TryNumber(query["limit"], 1, MaxLimit, DefaultLimit, out var limit))
        {
            return ControlApi.BadRequest($"\"limit\" must be between 1 and {MaxLimit}.");
        }

        var instanceId = query["instanceId"].ToString();
        return TypedResults.Ok(propagation.Timeline(instanceId.Length == 0 ? null : instanceId, after, (int)limit));
    }

    private static InstanceDocument? Describe(
        HttpContext http, string instanceId, MetadataPropagation propagation, RegionDirectory regions, ImdsListener listener)
    {
        if (propagation.Describe(instanceId) is not { } status)
        {
            return null;
        }

        var slot = status.Slot;
        var control = regions.Get(slot.Region).Instances.GetValueOrDefault(instanceId);
        var eth0 = status.Desired.Primary;
        return new InstanceDocument(
            instanceId, slot.Region, listener.EndpointOf(slot), slot.AddressText, control?.State.Name ?? "terminated", slot.View.State,
            eth0?.Mac, eth0 is null ? null : Ipv4.Format(eth0.PrimaryIpv4), status.PendingChanges, status.InSync, status.Model,
            listener.UrlThrough(http.Request.Host, instanceId));
    }

    private static bool TryNumber(string? text, long min, long max, long fallback, out long value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text)
            || (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max);
    }

    private static ProblemHttpResult UnknownInstance(string instanceId) => ControlApi.NotFound($"No instance {instanceId} has metadata here.");

    /// <param name="State">The instance's state in the control plane (what DescribeInstances says).</param>
    /// <param name="MetadataState">The state its metadata has caught up with: running, stopped or terminated.</param>
    /// <param name="InSync">Whether its metadata shows what the control plane says now.</param>
    /// <param name="ImdsEndpoint">The instance's own address on this machine: the base URL for a process that runs here.</param>
    /// <param name="MetadataUrl">The same metadata as a base URL on the host this request named (a published port, the
    /// public URL): the metadata port with the instance's id as the path.</param>
    internal sealed record InstanceDocument(
        string InstanceId, string Region, string ImdsEndpoint, string ImdsAddress, string State, string MetadataState,
        string? Mac, string? PrivateIpAddress, int PendingChanges, bool InSync, string Propagation, string MetadataUrl);

    internal sealed record InstanceList(IReadOnlyList<InstanceDocument> Instances);

    internal sealed record PendingDocument(string InstanceId, IReadOnlyList<MetadataEvent> Pending);

    /// <param name="Seen">What the instance's metadata shows now.</param>
    /// <param name="Desired">What it will show once everything pending has arrived.</param>
    internal sealed record MetadataDocument(string InstanceId, bool InSync, ViewDocument Seen, ViewDocument Desired);

    internal sealed record ViewDocument(string State, IReadOnlyList<InterfaceDocument> Interfaces)
    {
        public static ViewDocument Of(MetadataView view) => new(view.State, [.. view.Interfaces.Select(InterfaceDocument.Of)]);
    }

    internal sealed record InterfaceDocument(
        string Mac, string NetworkInterfaceId, int DeviceNumber, int NetworkCard, IReadOnlyList<string> LocalIpv4s,
        IReadOnlyDictionary<string, string> Ipv4Associations, IReadOnlyList<string> Ipv4Prefixes, IReadOnlyList<string> SecurityGroupIds)
    {
        public static InterfaceDocument Of(InterfaceMetadata nic) => new(
            nic.Mac, nic.NetworkInterfaceId, nic.DeviceNumber, nic.NetworkCard, [.. nic.LocalIpv4s.Select(Ipv4.Format)],
            nic.Associations.ToDictionary(a => Ipv4.Format(a.PublicIp), a => Ipv4.Format(a.PrivateIp)),
            [.. nic.Prefixes.Select(p => Ipv4.Format(p) + "/28")], nic.SecurityGroupIds);
    }
}
