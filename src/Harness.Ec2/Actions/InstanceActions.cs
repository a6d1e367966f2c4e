using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using Harness.Domain.Net;
using Harness.Ec2.Protocol;
using Harness.Ec2.Rendering;

namespace Harness.Ec2.Actions;

/// <summary>DescribeInstances, StopInstances, StartInstances, TerminateInstances, ModifyInstanceMetadataOptions.</summary>
internal static class InstanceActions
{
    private static readonly Dictionary<string, Func<Described, IEnumerable<string?>>> FilterFields = new()
    {
        ["instance-id"] = d => [d.View.InstanceId],
        ["instance-state-name"] = d => [d.View.State.Name],
        ["instance-state-code"] = d => [d.View.State.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ["instance-type"] = d => [d.View.InstanceType],
        ["image-id"] = d => [d.View.ImageId],
        ["reservation-id"] = d => [d.View.ReservationId],
        ["key-name"] = d => [d.View.KeyName],
        ["client-token"] = d => [d.View.ClientToken],
        ["availability-zone"] = d => [d.View.AvailabilityZone],
        ["placement.availability-zone"] = d => [d.View.AvailabilityZone],
        ["subnet-id"] = d => [d.View.SubnetId],
        ["vpc-id"] = d => [d.View.VpcId],
        ["private-ip-address"] = d => [d.View.PrivateIpAddress],
        ["ip-address"] = d => d.Interfaces.SelectMany(n => n.Addresses.Bindings.Values).Select(b => Ipv4.Format(b.PublicIp)),
        ["network-interface.network-interface-id"] = d => d.Interfaces.Select(n => n.View.NetworkInterfaceId),
        ["network-interface.subnet-id"] = d => d.Interfaces.Select(n => n.View.SubnetId),
        ["network-interface.vpc-id"] = d => d.Interfaces.Select(n => n.View.VpcId),
        ["network-interface.mac-address"] = d => d.Interfaces.Select(n => n.View.MacAddress),
        ["network-interface.attachment.attachment-id"] = d => d.Interfaces.Select(n => n.View.Attachment?.AttachmentId),
        ["network-interface.attachment.device-index"] = d => d.Interfaces.Select(n => n.View.Attachment?.DeviceIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ["network-interface.addresses.private-ip-address"] = d => d.Interfaces.SelectMany(n => n.Addresses.All).Select(Ipv4.Format),
        ["network-interface.private-ip-address"] = d => d.Interfaces.SelectMany(n => n.Addresses.All).Select(Ipv4.Format),
        ["network-interface.group-id"] = d => d.Interfaces.SelectMany(n => n.View.GroupIds),
        ["instance.group-id"] = d => d.Interfaces.SelectMany(n => n.View.GroupIds),
        ["group-id"] = d => d.Interfaces.SelectMany(n => n.View.GroupIds),
        ["metadata-options.http-tokens"] = d => [d.View.MetadataOptions.HttpTokens],
        ["metadata-options.http-endpoint"] = d => [d.View.MetadataOptions.HttpEndpoint],
        ["metadata-options.http-put-response-hop-limit"] = d => [d.View.MetadataOptions.HttpPutResponseHopLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ["owner-id"] = _ => ["123456789012"],
    };

    public static Task DescribeInstances(Ec2Context context)
    {
        var p = context.Parameters;
        var ids = p.GetList("InstanceId");
        Paging.CheckNotWithIds(p, ids.Count > 0, "instancesSet");
        var region = context.Region;
        Require(context, ids);

        var filters = Filters<Described>.Parse(p, FilterFields, d => d.View.Tags);
        context.ThrowIfDryRun();
        var candidates = ids.Count > 0 ? ids.Distinct().Select(id => region.Instances[id]) : region.Instances.Values;
        var matching = candidates.Select(v => new Described(v, context)).Where(filters.Matches);
        var (page, next) = Paging.Page(p, matching, d => d.View.InstanceId, "instancesSet", ids.Count > 0);
        var reservations = page.GroupBy(d => d.View.ReservationId).ToList();
        context.Response.Set("reservationSet", reservations, (x, r) => x
            .Element("reservationId", r.Key)
            .Element("ownerId", context.Options.AccountId)
            .Set("groupSet", Array.Empty<int>(), static (_, _) => { })
            .Set("instancesSet", r, (x, d) => InstanceXml.Write(x, context, d.View))).NextToken(next);
        return Task.CompletedTask;
    }

    public static Task StopInstances(Ec2Context context) => ChangeState(context, g => g.StopAsync(), i =>
        i.State.Name is "terminated" or "shutting-down" ? $"This instance '{i.InstanceId}' is not in a state from which it can be stopped." : null);

    public static Task StartInstances(Ec2Context context) => ChangeState(context, g => g.StartAsync(), i =>
        i.State.Name is "terminated" or "shutting-down" ? $"The instance '{i.InstanceId}' is not in a state from which it can be started." : null);

    public static Task TerminateInstances(Ec2Context context) => ChangeState(context, g => g.TerminateAsync(), _ => null);

    public static async Task ModifyInstanceMetadataOptions(Ec2Context context)
    {
        var p = context.Parameters;
        var instance = Lookup.Instance(context, p.Require("InstanceId"));
        var parsed = MetadataOptionsParsing.Parse(p, "", instance.MetadataOptions);
        context.ThrowIfDryRun();
        var options = await context.Grain<IInstanceGrain>(instance.InstanceId).ModifyMetadataOptionsAsync(new MetadataOptionsPatch(
            parsed.HttpTokens, parsed.HttpPutResponseHopLimit, parsed.HttpEndpoint, parsed.HttpProtocolIpv6, parsed.InstanceMetadataTags));
        InstanceXml.MetadataOptions(context.Response.Element("instanceId", instance.InstanceId), options, "pending", "instanceMetadataOptions");
    }

    /// <summary>Every instance is checked before any changes, so a request that fails changes nothing.</summary>
    private static async Task ChangeState(Ec2Context context, Func<IInstanceGrain, Task<StateChange>> change, Func<InstanceView, string?> refusal)
    {
        var ids = context.Parameters.GetList("InstanceId");
        if (ids.Count == 0)
        {
            throw Ec2Errors.MissingParameter("InstanceId");
        }

        var instances = Require(context, ids);
        foreach (var instance in instances)
        {
            if (refusal(instance) is { } message)
            {
                throw Ec2Errors.IncorrectInstanceState(message);
            }
        }

        context.ThrowIfDryRun();
        var changes = new List<StateChange>();
        foreach (var instance in instances)
        {
            changes.Add(await change(context.Grain<IInstanceGrain>(instance.InstanceId)));
        }

        context.Response.Set("instancesSet", changes, static (x, c) => x
            .Element("instanceId", c.InstanceId)
            .Start("currentState").Element("code", c.Current.Code).Element("name", c.Current.Name).End()
            .Start("previousState").Element("code", c.Previous.Code).Element("name", c.Previous.Name).End());
    }

    /// <summary>The instances named, in order and once each; EC2 names every unknown id in one error.</summary>
    private static List<InstanceView> Require(Ec2Context context, List<string> ids)
    {
        foreach (var id in ids)
        {
            Lookup.CheckInstanceId(id);
        }

        var missing = ids.Where(id => !context.Region.Instances.ContainsKey(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw Ec2Errors.NotFound("InvalidInstanceID.NotFound", missing.Count == 1
                ? $"The instance ID '{missing[0]}' does not exist"
                : $"The instance IDs '{string.Join(", ", missing)}' do not exist");
        }

        return ids.Distinct().Select(id => context.Region.Instances[id]).ToList();
    }

    private static List<(NetworkInterfaceView View, InterfaceAddresses Addresses)> Interfaces(Ec2Context context, InstanceView instance) =>
        instance.Attachments
            .Select(a => context.Region.TryGetInterface(a.NetworkInterfaceId, out var v, out var addresses) ? (v, addresses) : default)
            .Where(n => n.v is not null)
            .ToList();

    /// <summary>An instance and, looked up only when a filter asks, its interfaces: a page costs little per instance it skips.</summary>
    private sealed class Described(InstanceView view, Ec2Context context)
    {
        private List<(NetworkInterfaceView View, InterfaceAddresses Addresses)>? interfaces;

        public InstanceView View => view;

        public List<(NetworkInterfaceView View, InterfaceAddresses Addresses)> Interfaces => interfaces ??= InstanceActions.Interfaces(context, view);
    }
}
