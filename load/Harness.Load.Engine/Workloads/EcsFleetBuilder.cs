using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Domain.Clouds;

namespace Harness.Load.Workloads;

/// <summary>
/// Builds the fleet through Alibaba's ECS and VPC APIs, as <see cref="TopologyBuilder"/> does through EC2's: VPCs with a
/// security group each, /18 vSwitches, instances by RunInstances in batches of 100, extra ENIs created and attached,
/// floating addresses assigned by count. Alibaba is asynchronous where EC2 is not, so it waits (polling 100 resources a
/// Describe call) for the instances to be Running before it reads their primary ENIs and attaches more, and for those
/// ENIs to be InUse before it gives them addresses.
/// </summary>
internal static class EcsFleetBuilder
{
    /// <summary>How long the fleet may take to settle: serve's default transitions last up to 2 s, but a big fleet queues.</summary>
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(2);

    public static async Task<(SimInstance[] Instances, List<FloatingAddress> Addresses)> BuildAsync(
        EcsApi ecs, TopologyOptions options, Action<string> log, CancellationToken cancellation)
    {
        var subnets = await CreateVSwitchesAsync(ecs, options, log, cancellation).ConfigureAwait(false);
        var (perSubnet, _) = TopologyBuilder.SubnetShare(options);
        var instances = new SimInstance[options.Instances];
        var launched = 0;
        await Parallel.ForEachAsync(TopologyBuilder.LaunchBatches(subnets, perSubnet, options.Instances), TopologyBuilder.Options(options, cancellation), async (batch, token) =>
        {
            var reply = await ecs.RequireAsync("RunInstances", EcsApi.Form(
                ("Amount", Number(batch.Count)), ("MinAmount", Number(batch.Count)), ("InstanceType", options.InstanceType),
                ("VSwitchId", batch.Subnet), ("SecurityGroupId", ecs.SecurityGroupOf(batch.Subnet))), token).ConfigureAwait(false);
            var ids = EcsApi.Items(reply, "InstanceIdSets", "InstanceIdSet").Select(id => id.GetValue<string>()).ToList();
            if (ids.Count != batch.Count)
            {
                throw new LoadSetupException($"RunInstances launched {ids.Count} instances where {batch.Count} were asked for");
            }

            for (var i = 0; i < ids.Count; i++)
            {
                instances[batch.First + i] = new SimInstance(ids[i], batch.First + i);
            }

            TopologyBuilder.Report(log, "instances launched", Interlocked.Add(ref launched, ids.Count), ids.Count, options.Instances);
        }).ConfigureAwait(false);

        await SettleAsync(ecs.Instances, [.. instances.Select(i => i.Id)], "Running", "instances", log, cancellation).ConfigureAwait(false);
        await ReadPrimaryInterfacesAsync(ecs, instances, options, cancellation).ConfigureAwait(false);

        // Extra ENIs, round-robin, each in its instance's vSwitch; Alibaba picks the device index.
        var extras = TopologyBuilder.Extras(instances, options);
        var added = new SimInterface[extras.Count];
        var created = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, extras.Count), TopologyBuilder.Options(options, cancellation), async (e, token) =>
        {
            var instance = extras[e].Instance;
            var vSwitch = instance.Interfaces[0].SubnetId;
            var eni = await ecs.RequireAsync("CreateNetworkInterface", EcsApi.Form(("VSwitchId", vSwitch), ("SecurityGroupId", ecs.SecurityGroupOf(vSwitch))), token)
                .ConfigureAwait(false);
            var id = EcsApi.Text(eni, "NetworkInterfaceId");
            await ecs.RequireAsync("AttachNetworkInterface", EcsApi.Form(("NetworkInterfaceId", id), ("InstanceId", instance.Id)), token).ConfigureAwait(false);
            added[e] = new SimInterface(id, EcsApi.Text(eni, "MacAddress"), vSwitch, instance);
            TopologyBuilder.Report(log, "extra ENIs attaching", Interlocked.Increment(ref created), 1, extras.Count);
        }).ConfigureAwait(false);
        await SettleAsync(ecs.Interfaces, [.. added.Select(a => a.Id)], "InUse", "extra ENIs", log, cancellation).ConfigureAwait(false);
        foreach (var eni in added.OrderBy(e => e.Instance.Index))
        {
            eni.Instance.Interfaces.Add(eni);
        }

        var all = instances.SelectMany(i => i.Interfaces).ToList();
        var addresses = new List<FloatingAddress>[all.Count];
        var assigned = 0;
        if (options.AddressesPerInterface > 0)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, all.Count), TopologyBuilder.Options(options, cancellation), async (n, token) =>
            {
                var eni = all[n];
                var reply = await ecs.RequireAsync("AssignPrivateIpAddresses", EcsApi.Form(
                    ("NetworkInterfaceId", eni.Id), ("SecondaryPrivateIpAddressCount", Number(options.AddressesPerInterface))), token).ConfigureAwait(false);
                addresses[n] = [.. (reply["AssignedPrivateIpAddressesSet"]?["PrivateIpSet"]?["PrivateIpAddress"] as JsonArray ?? [])
                    .Select(a => new FloatingAddress(a!.GetValue<string>(), eni.SubnetId, eni))];
                if (addresses[n].Count != options.AddressesPerInterface)
                {
                    throw new LoadSetupException($"AssignPrivateIpAddresses gave {eni.Id} {addresses[n].Count} addresses where {options.AddressesPerInterface} were asked for");
                }

                TopologyBuilder.Report(log, "addresses", Interlocked.Add(ref assigned, addresses[n].Count), addresses[n].Count, all.Count * options.AddressesPerInterface);
            }).ConfigureAwait(false);
        }

        return (instances, addresses.Where(a => a is not null).SelectMany(a => a).ToList());
    }

    /// <summary>A VPC (10.v.0.0/16) with a security group for every four /18 vSwitches, all in the region's first zone.</summary>
    private static async Task<List<string>> CreateVSwitchesAsync(EcsApi ecs, TopologyOptions options, Action<string> log, CancellationToken cancellation)
    {
        var zone = CloudRules.Alibaba.ZonesOf(ecs.Region)[0];
        var (_, count) = TopologyBuilder.SubnetShare(options);
        var subnets = new List<string>();
        string? vpc = null;
        string? group = null;
        for (var s = 0; s < count; s++)
        {
            var (v, quarter) = (s / 4, s % 4);
            if (quarter == 0)
            {
                vpc = EcsApi.Text(await ecs.RequireAsync("CreateVpc", EcsApi.Form(("CidrBlock", $"10.{v}.0.0/16")), cancellation).ConfigureAwait(false), "VpcId");
                options.VpcCreated?.Invoke(vpc);
                group = EcsApi.Text(await ecs.RequireAsync("CreateSecurityGroup", EcsApi.Form(("VpcId", vpc)), cancellation).ConfigureAwait(false), "SecurityGroupId");
            }

            var created = await ecs.RequireAsync(
                "CreateVSwitch", EcsApi.Form(("VpcId", vpc!), ("ZoneId", zone), ("CidrBlock", $"10.{v}.{quarter * 64}.0/18")), cancellation).ConfigureAwait(false);
            var vSwitch = EcsApi.Text(created, "VSwitchId");
            ecs.NoteSecurityGroup(vSwitch, group!);
            subnets.Add(vSwitch);
        }

        log($"set-up: {subnets.Count} vSwitch(es) in {(subnets.Count + 3) / 4} VPC(s) in {ecs.Region}");
        return subnets;
    }

    /// <summary>Each instance's primary ENI, from DescribeInstances, 100 instances a call.</summary>
    private static async Task ReadPrimaryInterfacesAsync(EcsApi ecs, SimInstance[] instances, TopologyOptions options, CancellationToken cancellation)
    {
        await Parallel.ForEachAsync(instances.Chunk(StatusWaiter.Batch), TopologyBuilder.Options(options, cancellation), async (batch, token) =>
        {
            var reply = await ecs.RequireAsync("DescribeInstances", EcsApi.Form(
                ("InstanceIds", JsonSerializer.Serialize(batch.Select(i => i.Id))), ("PageSize", Number(StatusWaiter.Batch))), token).ConfigureAwait(false);
            var byId = EcsApi.Items(reply, "Instances", "Instance").ToDictionary(i => EcsApi.Text(i, "InstanceId"), StringComparer.Ordinal);
            foreach (var instance in batch)
            {
                var described = byId.TryGetValue(instance.Id, out var found) ? found : throw new LoadSetupException($"DescribeInstances does not list {instance.Id}");
                var primary = EcsApi.Items(described, "NetworkInterfaces", "NetworkInterface").FirstOrDefault(n => n["Type"]?.GetValue<string>() == "Primary")
                    ?? throw new LoadSetupException($"{instance.Id} has no primary ENI in {Ec2Api.Trim(described.ToJsonString())}");
                instance.Interfaces.Add(new SimInterface(
                    EcsApi.Text(primary, "NetworkInterfaceId"), EcsApi.Text(primary, "MacAddress"), EcsApi.Text(described["VpcAttributes"] ?? throw new LoadSetupException($"DescribeInstances gave no VpcAttributes for {instance.Id}"), "VSwitchId"), instance));
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Waits for every one of <paramref name="ids"/> to show <paramref name="wanted"/>, saying how far it got at every tenth.</summary>
    private static async Task SettleAsync(StatusWaiter waiter, string[] ids, string wanted, string what, Action<string> log, CancellationToken cancellation)
    {
        if (ids.Length == 0)
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(SettleLimit);
        var settled = 0;
        try
        {
            await Task.WhenAll(ids.Select(async id =>
            {
                await waiter.WaitAsync(id, wanted, limit.Token).ConfigureAwait(false);
                TopologyBuilder.Report(log, $"{what} {wanted}", Interlocked.Increment(ref settled), 1, ids.Length);
            })).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new LoadSetupException(string.Create(CultureInfo.InvariantCulture,
                $"{ids.Length - Volatile.Read(ref settled):N0} of {ids.Length:N0} {what} were still not {wanted} after {SettleLimit.TotalSeconds:0} s"));
        }
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
