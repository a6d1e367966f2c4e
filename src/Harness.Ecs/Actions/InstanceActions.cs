using System.Text.Json.Nodes;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>DescribeInstances and the state changes, each asynchronous on Alibaba (Starting, Stopping; a delete is at once).</summary>
internal static class InstanceActions
{
    public static Task DescribeInstances(EcsContext context)
    {
        var p = context.Parameters;
        var ids = p.GetList("InstanceIds");
        var ips = p.GetList("PrivateIpAddresses").Select(RpcParameters.ParseIp).ToHashSet();
        var (vpcId, vSwitchId, zone, status, name) = (p.Get("VpcId"), p.Get("VSwitchId"), p.Get("ZoneId"), p.Get("Status"), p.Get("InstanceName"));
        if (ids.Count > 100 || ips.Count > 100)
        {
            throw AlibabaErrors.InvalidParameter(ids.Count > 100 ? "InstanceIds" : "PrivateIpAddresses");
        }

        var region = context.Region;
        var candidates = ids.Count > 0
            ? ids.Distinct().Select(id => region.Instances.GetValueOrDefault(id)).OfType<InstanceView>()
            : region.Instances.Values;
        var matching = candidates
            .Where(i => i.State.Name != "terminated" && (vpcId is null || i.VpcId == vpcId) && (vSwitchId is null || i.SubnetId == vSwitchId)
                && (zone is null || i.AvailabilityZone == zone) && (status is null || Lookups.StatusOf(context, i) == status)
                && (name is null || Names.Of(i.Tags) == name)
                && (ips.Count == 0 || (Ipv4.TryParse(i.PrivateIpAddress, out var primary) && ips.Contains(primary))))
            .OrderBy(i => i.LaunchTime).ThenBy(i => i.InstanceId, StringComparer.Ordinal)
            .ToList();
        var page = Paging.ByTokenOrNumber(context, matching, defaultSize: 10, maxPageSize: 100, maxTokenPage: 100);
        context.Body["Instances"] = Paging.Wrap("Instance", page.Select(i => (JsonNode)InstanceJson.Render(context, i, Lookups.StatusOf(context, i))));
        return Task.CompletedTask;
    }

    public static Task DescribeInstanceStatus(EcsContext context)
    {
        var ids = context.Parameters.GetList("InstanceId").ToHashSet(StringComparer.Ordinal);
        var all = context.Region.Instances.Values
            .Where(i => i.State.Name != "terminated" && (ids.Count == 0 || ids.Contains(i.InstanceId)))
            .OrderBy(i => i.LaunchTime).ThenBy(i => i.InstanceId, StringComparer.Ordinal)
            .ToList();
        var page = Paging.ByNumber(context, all, defaultSize: 10, maxSize: 50);
        context.Body["InstanceStatuses"] = Paging.Wrap("InstanceStatus", page.Select(i => (JsonNode)new JsonObject
        {
            ["InstanceId"] = i.InstanceId,
            ["Status"] = Lookups.StatusOf(context, i),
        }));
        return Task.CompletedTask;
    }

    /// <summary>One instance's attributes at the top level of the reply (what aliyungo's WaitForInstance polls).</summary>
    public static Task DescribeInstanceAttribute(EcsContext context)
    {
        var instance = Lookups.Instance(context, context.Parameters.Require("InstanceId"));
        foreach (var (name, value) in InstanceJson.Render(context, instance, Lookups.StatusOf(context, instance)).ToList())
        {
            context.Body[name] = value?.DeepClone();
        }

        return Task.CompletedTask;
    }

    /// <summary>HttpTokens (optional|required), HttpEndpoint (enabled|disabled), HttpPutResponseHopLimit (1 to 64); absent ones stay.</summary>
    public static async Task ModifyInstanceMetadataOptions(EcsContext context)
    {
        var p = context.Parameters;
        var instance = Lookups.Instance(context, p.Require("InstanceId"));
        var tokens = p.Get("HttpTokens");
        var endpoint = p.Get("HttpEndpoint");
        var hops = p.GetInt("HttpPutResponseHopLimit");
        if (tokens is not (null or "optional" or "required") || endpoint is not (null or "enabled" or "disabled") || hops is < 1 or > 64)
        {
            throw AlibabaErrors.InvalidParameter(tokens is not (null or "optional" or "required") ? "HttpTokens" : endpoint is not (null or "enabled" or "disabled") ? "HttpEndpoint" : "HttpPutResponseHopLimit");
        }

        await context.Grain<IInstanceGrain>(instance.InstanceId).ModifyMetadataOptionsAsync(new MetadataOptionsPatch(tokens, hops, endpoint, null, null));
    }

    public static async Task StartInstance(EcsContext context)
    {
        var outcome = await StartAsync(context, Lookups.Instance(context, context.Parameters.Require("InstanceId")));
        outcome.ThrowIfFailed();
    }

    public static async Task StopInstance(EcsContext context)
    {
        var outcome = await StopAsync(context, Lookups.Instance(context, context.Parameters.Require("InstanceId")));
        outcome.ThrowIfFailed();
    }

    public static async Task DeleteInstance(EcsContext context)
    {
        var instance = Lookups.Instance(context, context.Parameters.Require("InstanceId"));
        await DeleteAsync(context, instance, context.Parameters.GetBool("Force") ?? false);
    }

    public static Task StartInstances(EcsContext context) => Batch(context, CheckStart, StartAsync);

    public static Task StopInstances(EcsContext context) => Batch(context, CheckStop, StopAsync);

    public static async Task DeleteInstances(EcsContext context)
    {
        var force = context.Parameters.GetBool("Force") ?? false;
        var instances = Ids(context).Select(id => Lookups.Instance(context, id)).ToList();
        foreach (var instance in instances)
        {
            RequireDeletable(context, instance, force);
        }

        foreach (var instance in instances)
        {
            await DeleteAsync(context, instance, force);
        }
    }

    /// <summary>
    /// StartInstances/StopInstances: one response per instance. <c>BatchOptimization=AllTogether</c> changes none unless
    /// all can change; <c>SuccessFirst</c> (the default here) changes those that can.
    /// </summary>
    private static async Task Batch(
        EcsContext context, Func<EcsContext, InstanceView, Outcome?> check, Func<EcsContext, InstanceView, Task<Outcome>> change)
    {
        var instances = Ids(context).Select(id => Lookups.Instance(context, id)).ToList();
        var together = context.Parameters.Get("BatchOptimization") == "AllTogether";
        var outcomes = new List<Outcome>();
        if (together && instances.Select(i => check(context, i)).FirstOrDefault(o => o is not null) is { } refused)
        {
            refused.ThrowIfFailed();
        }

        foreach (var instance in instances)
        {
            outcomes.Add(await change(context, instance));
        }

        context.Body["InstanceResponses"] = Paging.Wrap("InstanceResponse", outcomes.Select(o => (JsonNode)new JsonObject
        {
            ["InstanceId"] = o.InstanceId,
            ["Code"] = o.Error?.Code ?? "200",
            ["Message"] = o.Error?.Message ?? "success",
            ["PreviousStatus"] = o.Previous,
            ["CurrentStatus"] = o.Current,
        }));
    }

    private static List<string> Ids(EcsContext context)
    {
        var ids = context.Parameters.GetList("InstanceId").Distinct().ToList();
        return ids.Count is > 0 and <= 100 ? ids : throw AlibabaErrors.InvalidParameter("InstanceId", "InstanceId.N takes 1 to 100 instance ids.");
    }

    private static async Task<Outcome> StartAsync(EcsContext context, InstanceView instance)
    {
        var previous = Lookups.StatusOf(context, instance);
        if (CheckStart(context, instance) is { } refused)
        {
            return refused;
        }

        try
        {
            await context.Transitions.ChangeAsync(
                context.Region, instance.InstanceId, "Starting", () => context.Grain<IInstanceGrain>(instance.InstanceId).StartAsync(),
                () => IncorrectStatus(instance.InstanceId, Lookups.StatusOf(context, instance), "started"));
        }
        catch (AlibabaException busy) when (busy.Code == "IncorrectInstanceStatus")
        {
            return new Outcome(instance.InstanceId, previous, previous, busy);
        }

        return new Outcome(instance.InstanceId, previous, "Starting", null);
    }

    private static async Task<Outcome> StopAsync(EcsContext context, InstanceView instance)
    {
        var previous = Lookups.StatusOf(context, instance);
        if (CheckStop(context, instance) is { } refused)
        {
            return refused;
        }

        try
        {
            await context.Transitions.ChangeAsync(
                context.Region, instance.InstanceId, "Stopping", () => context.Grain<IInstanceGrain>(instance.InstanceId).StopAsync(),
                () => IncorrectStatus(instance.InstanceId, Lookups.StatusOf(context, instance), "stopped"));
        }
        catch (AlibabaException busy) when (busy.Code == "IncorrectInstanceStatus")
        {
            return new Outcome(instance.InstanceId, previous, previous, busy);
        }

        return new Outcome(instance.InstanceId, previous, "Stopping", null);
    }

    private static Outcome? CheckStart(EcsContext context, InstanceView instance) =>
        Lookups.StatusOf(context, instance) is "Stopped" ? null : Refused(context, instance, "started");

    private static Outcome? CheckStop(EcsContext context, InstanceView instance) =>
        Lookups.StatusOf(context, instance) is "Running" ? null : Refused(context, instance, "stopped");

    private static Outcome Refused(EcsContext context, InstanceView instance, string verb)
    {
        var status = Lookups.StatusOf(context, instance);
        return new Outcome(instance.InstanceId, status, status, IncorrectStatus(instance.InstanceId, status, verb));
    }

    private static void RequireDeletable(EcsContext context, InstanceView instance, bool force)
    {
        var status = Lookups.StatusOf(context, instance);
        if (!(status == "Stopped" || (force && status == "Running")))
        {
            throw IncorrectStatus(instance.InstanceId, status, force ? "deleted" : "deleted without Force");
        }
    }

    private static async Task DeleteAsync(EcsContext context, InstanceView instance, bool force)
    {
        RequireDeletable(context, instance, force);

        // Claimed like a stop, so that a stop or start racing the delete is refused rather than let through (the
        // instance is gone at once, so the claim is never shown).
        await context.Transitions.ChangeAsync(
            context.Region, instance.InstanceId, "Deleted", () => context.Grain<IInstanceGrain>(instance.InstanceId).TerminateAsync(),
            () => IncorrectStatus(instance.InstanceId, Lookups.StatusOf(context, instance), "deleted"));
    }

    private static AlibabaException IncorrectStatus(string id, string status, string verb) =>
        new("IncorrectInstanceStatus", $"The current status of the instance {id} ({status}) does not support this operation: it cannot be {verb}.", 403);

    private sealed record Outcome(string InstanceId, string Previous, string Current, AlibabaException? Error)
    {
        public void ThrowIfFailed()
        {
            if (Error is not null)
            {
                throw Error;
            }
        }
    }
}
