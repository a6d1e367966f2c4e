using System.Text.Json.Nodes;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Catalog;
using Harness.Domain.Clouds;
using Harness.Domain.Errors;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>
/// RunInstances: Amount instances in a vSwitch, each with a Primary ENI. Asynchronous on Alibaba: the ids come back at
/// once and each instance is <c>Pending</c> for a drawn delay, then <c>Running</c>. CreateInstance, the older call, makes
/// one the same way that ends <c>Stopped</c> (StartInstance starts it).
/// </summary>
internal static class RunInstancesAction
{
    /// <summary>Undoes one part of a failed launch; a part that is already gone (or never was) is fine.</summary>
    private static async Task GoneAsync(Func<Task> undo)
    {
        try
        {
            await undo();
        }
        catch (Ec2Exception)
        {
        }
    }

    public static async Task RunInstances(EcsContext context)
    {
        var ids = await ClientTokenCall.RunAsync(context, () => Launch(context, createInstance: false));
        context.Body["InstanceIdSets"] = Paging.Wrap("InstanceIdSet", ids.Select(id => (JsonNode)id));
        context.Body["OrderId"] = "";
        context.Body["TradePrice"] = 0;
    }

    /// <summary>One instance, created <c>Stopped</c> (shown <c>Pending</c> for a drawn delay first); its ClientToken as RunInstances'.</summary>
    public static async Task CreateInstance(EcsContext context)
    {
        var ids = await ClientTokenCall.RunAsync(context, () => Launch(context, createInstance: true));
        context.Body["InstanceId"] = ids[0];
        context.Body["OrderId"] = "";
        context.Body["TradePrice"] = 0;
    }

    /// <summary>RunInstances' Amount/MinAmount instances, or (<paramref name="createInstance"/>) one created stopped.</summary>
    private static async Task<string[]> Launch(EcsContext context, bool createInstance)
    {
        var p = context.Parameters;
        var typeName = p.Require("InstanceType");
        if (!AlibabaInstanceTypes.All.ContainsKey(typeName))
        {
            throw new AlibabaException("InvalidInstanceType.NotFound", $"The specified InstanceType \"{typeName}\" does not exist (the harness knows {string.Join(", ", AlibabaInstanceTypes.All.Keys)}).", 404);
        }

        var vSwitch = Lookups.VSwitch(context, p.Require("VSwitchId"));
        if (p.Get("ZoneId") is { } zone && zone != vSwitch.AvailabilityZone)
        {
            throw new AlibabaException("InvalidParameter.Mismatch", $"The vSwitch {vSwitch.SubnetId} is not in zone {zone}.");
        }

        var groups = p.GetList("SecurityGroupIds");
        if (p.Get("SecurityGroupId") is { } single)
        {
            groups.Add(single);
        }

        if (groups.Count == 0)
        {
            throw AlibabaErrors.MissingParameter("SecurityGroupId");
        }

        foreach (var id in groups)
        {
            if (Lookups.SecurityGroup(context, id).VpcId != vSwitch.VpcId)
            {
                throw new AlibabaException("InvalidParameter.Mismatch", $"The security group {id} and the vSwitch {vSwitch.SubnetId} are in different VPCs.");
            }
        }

        var amount = createInstance ? 1 : p.GetInt("Amount") ?? 1;
        var minAmount = createInstance ? 1 : p.GetInt("MinAmount") ?? amount;
        if (amount is < 1 or > 100 || minAmount < 1 || minAmount > amount)
        {
            throw AlibabaErrors.InvalidParameter(amount is < 1 or > 100 ? "Amount" : "MinAmount");
        }

        var address = p.Get("PrivateIpAddress") is { } text ? Addresses.Usable(context, vSwitch, text) : 0;
        if (address != 0 && amount > 1)
        {
            throw AlibabaErrors.InvalidParameter("PrivateIpAddress", "PrivateIpAddress can be given only when one instance is created.");
        }

        var metadata = new MetadataOptionsView(
            p.Get("HttpTokens") is { } tokens ? (tokens is "optional" or "required" ? tokens : throw AlibabaErrors.InvalidParameter("HttpTokens")) : "optional",
            p.GetInt("HttpPutResponseHopLimit") is { } hops ? (hops is >= 1 and <= 64 ? hops : throw AlibabaErrors.InvalidParameter("HttpPutResponseHopLimit")) : 1,
            p.Get("HttpEndpoint") is { } endpoint ? (endpoint is "enabled" or "disabled" ? endpoint : throw AlibabaErrors.InvalidParameter("HttpEndpoint")) : "enabled",
            "disabled", "disabled");
        var tags = Names.Tags(p.Get("InstanceName"), p.Get("Description"), p);
        if (p.Get("HostName") is { } hostName)
        {
            tags = tags.Add(new Tag(Names.HostNameKey, hostName));
        }

        if (p.Get("RamRoleName") is { } role)
        {
            // There is no RAM here to look the role up in: any well-formed name is taken.
            tags = tags.Add(new Tag(AlibabaNames.RamRoleKey, IsRoleName(role) ? role : throw AlibabaErrors.InvalidParameter(
                "RamRoleName", $"The specified parameter \"RamRoleName\" ({role}) is not valid: 1 to 64 letters, digits, periods and hyphens.")));
        }

        AlibabaErrors.ThrowIfDryRun(p);

        var free = vSwitch.AvailableIpAddressCount;
        if (free < minAmount)
        {
            throw AlibabaErrors.IpNotEnough();
        }

        var count = await context.RegionGrain.InstancesThatFitAsync(typeName, minAmount, (int)Math.Min(amount, free));
        var region = context.RegionGrain;
        var instanceIds = await region.NewIdsAsync("i", count);
        var reservationId = (await region.NewIdsAsync("r", 1))[0];
        var launched = new List<(string InstanceId, string EniId)>();
        for (var index = 0; index < count; index++)
        {
            var identity = await region.NewInterfaceAsync();
            var eni = context.Grain<INetworkInterfaceGrain>(identity.NetworkInterfaceId);
            try
            {
                await eni.CreateAsync(new CreateInterfaceSpec(
                    context.Region.Name, identity.NetworkInterfaceId, vSwitch.SubnetId, vSwitch.VpcId, vSwitch.AvailabilityZone, vSwitch.AvailabilityZoneId,
                    identity.MacAddress, "", [.. groups.Distinct()], "interface", address, AddressRequest.None(0), [], identity.Sequence));
                var attachmentId = (await region.NewIdsAsync("eni-attach", 1))[0];
                var spec = new LaunchSpec(
                    context.Region.Name, instanceIds[index], reservationId, index, p.Get("ImageId") ?? "aliyun_3_x64_20G_alibase_20240819.vhd",
                    typeName, vSwitch.SubnetId, vSwitch.VpcId, vSwitch.AvailabilityZone, null, p.Get("ClientToken"), metadata,
                    [new LaunchInterface(identity.NetworkInterfaceId, attachmentId, 0, 0, DeleteOnTermination: true)], tags, Stopped: createInstance);
                await context.Grain<IInstanceGrain>(instanceIds[index]).LaunchAsync(spec);
            }
            catch (Ec2Exception)
            {
                // A launch racing another (the quota, the vSwitch's last addresses) leaves nothing behind: this instance's
                // ENI goes; with MinAmount launched, those are the answer, otherwise they go too and the error stands.
                await GoneAsync(() => eni.DeleteAsync(evenIfAttached: true));
                if (launched.Count >= minAmount)
                {
                    break;
                }

                foreach (var (instanceId, eniId) in launched)
                {
                    await GoneAsync(() => context.Grain<IInstanceGrain>(instanceId).AbortLaunchAsync([eniId]));
                }

                throw;
            }

            launched.Add((instanceIds[index], identity.NetworkInterfaceId));
            context.Transitions.Begin(context.Region, instanceIds[index], "Pending");
        }

        return [.. launched.Select(l => l.InstanceId)];
    }

    private static bool IsRoleName(string name) => name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
