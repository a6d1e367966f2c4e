using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Catalog;
using Harness.Domain.Errors;
using Harness.Domain.Ids;
using Harness.Ec2.Protocol;
using Harness.Ec2.Rendering;

namespace Harness.Ec2.Actions;

/// <summary>RunInstances: validates the whole request, then creates each instance's interfaces and launches it.</summary>
internal static class RunInstancesAction
{
    public static async Task RunInstances(Ec2Context context)
    {
        // The ClientToken is looked up before anything is validated: a retry gets the first answer, not a
        // fresh judgement of a world its own first call has changed.
        var (reservation, replayed) = await Idempotency.RunAsync(context, () => ValidateAndLaunch(context));
        if (replayed && reservation.All(i => context.Region.Instances.GetValueOrDefault(i.InstanceId)?.State.Name is null or "terminated"))
        {
            throw new Ec2Exception(
                "IdempotentInstanceTerminated",
                "The client token you have provided is associated with a terminated instance. Please use a different client token.");
        }

        var x = context.Response
            .Element("reservationId", reservation[0].ReservationId)
            .Element("ownerId", context.Options.AccountId)
            .Set("groupSet", Array.Empty<int>(), static (_, _) => { });
        x.Set("instancesSet", reservation, (x, i) =>
        {
            var current = context.Region.Instances.GetValueOrDefault(i.InstanceId) ?? i;
            InstanceXml.Write(x, context, replayed ? current : current with { State = InstanceStateView.Pending });
        });
    }

    private static async Task<List<InstanceView>> ValidateAndLaunch(Ec2Context context)
    {
        var p = context.Parameters;
        var imageId = p.Require("ImageId");
        if (!ResourceIds.IsWellFormed("ami", imageId))
        {
            throw Ec2Errors.Malformed("InvalidAMIID.Malformed", imageId, "ami");
        }

        var typeName = p.Get("InstanceType") ?? "m1.small";
        if (!InstanceTypeCatalog.TryGet(typeName, out var type))
        {
            throw Ec2Errors.InvalidParameterValue($"Invalid value '{typeName}' for InstanceType.");
        }

        var minCount = p.GetInt("MinCount") ?? throw Ec2Errors.MissingParameter("MinCount");
        var maxCount = p.GetInt("MaxCount") ?? throw Ec2Errors.MissingParameter("MaxCount");
        if (minCount < 1 || maxCount < 1)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({Math.Min(minCount, maxCount)}) for parameter {(minCount < 1 ? "minCount" : "maxCount")} is invalid. Expecting a value greater than 0.");
        }

        if (minCount > maxCount)
        {
            throw Ec2Errors.InvalidParameterValue(
                $"Value ({minCount}) for parameter minCount is invalid. Expecting a value less than or equal to maxCount ({maxCount}).");
        }

        var nicSpecs = p.GetStructs("NetworkInterface");
        var subnetId = p.Get("SubnetId");
        var instanceGroups = p.GetList("SecurityGroupId");
        var instancePrivateIp = p.GetIpv4("PrivateIpAddress", "privateIpAddress");
        if (nicSpecs.Count > 0)
        {
            if (subnetId is not null)
            {
                throw Ec2Errors.InvalidParameterCombination("Network interfaces and an instance-level subnet ID may not be specified on the same request");
            }

            if (instanceGroups.Count > 0)
            {
                throw Ec2Errors.InvalidParameterCombination("Network interfaces and an instance-level security groups may not be specified on the same request");
            }

            if (instancePrivateIp is not null)
            {
                throw Ec2Errors.InvalidParameterCombination("Network interfaces and an instance-level private IP address may not be specified on the same request");
            }
        }

        var plans = nicSpecs.Count > 0
            ? [.. nicSpecs.Select(s => InterfacePlan.Parse(context, s))]
            : new List<InterfacePlan>
            {
                new(0, 0, null,
                    Lookup.Subnet(context, subnetId ?? throw new Ec2Exception("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")),
                    instancePrivateIp ?? 0, [], 0, [], 0, instanceGroups, "", DeleteOnTermination: true),
            };
        InterfacePlan.Validate(context, plans, type);

        var primary = plans.Single(n => n.DeviceIndex == 0 && n.CardIndex == 0);
        var subnet = primary.Subnet!;
        if (p.Get("Placement.AvailabilityZone") is { } zone && zone != subnet.AvailabilityZone)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({zone}) for parameter availabilityZone is invalid. Subnet '{subnet.SubnetId}' is in the availability zone {subnet.AvailabilityZone}");
        }

        if ((maxCount > 1 || minCount > 1) && plans.Any(n => n.Address != 0 || n.Secondaries.Length > 0 || n.ExistingId is not null))
        {
            throw Ec2Errors.InvalidParameterCombination("Cannot specify a private IP address or network interface ID when launching more than one instance.");
        }

        var metadata = MetadataOptionsParsing.Parse(p, "MetadataOptions.", MetadataOptionsView.Default);
        var instanceTags = TagParsing.Specifications(p, "instance", "network-interface", "volume");
        var nicTags = TagParsing.Specifications(p, "network-interface", "instance", "volume");
        // Addresses each instance needs in each subnet (a prefix takes a whole /28); long, as counts come from the wire.
        var capacity = (long)maxCount;
        foreach (var demand in plans.Where(n => n.ExistingId is null).GroupBy(n => n.Subnet!))
        {
            var perInstance = demand.Sum(n => 1L + n.Count + n.Secondaries.Length + (16L * (n.Prefixes.Length + (long)n.PrefixCount)));
            capacity = Math.Min(capacity, demand.Key.AvailableIpAddressCount / perInstance);
        }

        if (capacity < minCount)
        {
            throw new Ec2Exception(
                "InsufficientFreeAddressesInSubnet",
                $"There are not enough free addresses in subnet '{subnet.SubnetId}' to satisfy the requested number of instances.");
        }

        context.ThrowIfDryRun();

        // The account's vCPU quota bounds what one call may launch (EC2 documents no other per-call maximum): as many as
        // fit between MinCount and MaxCount, or VcpuLimitExceeded. A launch running at the same time may take some of
        // the room first; Launch then stops at what still fits, or undoes everything below MinCount.
        var count = await context.RegionGrain.InstancesThatFitAsync(typeName, minCount, (int)capacity);
        return await Launch(context, imageId, typeName, minCount, count, plans, subnet, metadata, instanceTags, nicTags);
    }

    private static async Task<List<InstanceView>> Launch(
        Ec2Context context, string imageId, string typeName, int minCount, int count, List<InterfacePlan> plans, SubnetView subnet,
        MetadataOptionsView metadata, ImmutableArray<Tag> instanceTags, ImmutableArray<Tag> nicTags)
    {
        var p = context.Parameters;
        var region = context.RegionGrain;
        var reservationId = (await region.NewIdsAsync("r", 1))[0];
        var instanceIds = await region.NewIdsAsync("i", count);
        var launched = new List<InstanceView>();
        var created = new List<ImmutableArray<string>>();
        for (var index = 0; index < count; index++)
        {
            var interfaces = new List<(LaunchInterface Nic, bool Created)>();
            try
            {
                foreach (var plan in plans)
                {
                    var nicId = plan.ExistingId;
                    if (nicId is null)
                    {
                        var identity = await region.NewInterfaceAsync();
                        nicId = identity.NetworkInterfaceId;
                        var groups = NetworkInterfaceActions.SecurityGroups(context, plan.GroupIds, plan.Subnet!.VpcId);
                        await context.Grain<INetworkInterfaceGrain>(nicId).CreateAsync(new CreateInterfaceSpec(
                            context.Region.Name, nicId, plan.Subnet.SubnetId, plan.Subnet.VpcId, plan.Subnet.AvailabilityZone,
                            plan.Subnet.AvailabilityZoneId, identity.MacAddress, plan.Description, groups, "interface", plan.Address,
                            new AddressRequest(plan.Secondaries, plan.Count, plan.Prefixes, plan.PrefixCount, false, 0), nicTags, identity.Sequence));
                    }

                    var attachmentId = (await region.NewIdsAsync("eni-attach", 1))[0];
                    var nic = new LaunchInterface(nicId, attachmentId, plan.DeviceIndex, plan.CardIndex, plan.ExistingId is null && plan.DeleteOnTermination);
                    interfaces.Add((nic, plan.ExistingId is null));
                }

                var spec = new LaunchSpec(
                    context.Region.Name, instanceIds[index], reservationId, index, imageId, typeName, subnet.SubnetId, subnet.VpcId,
                    subnet.AvailabilityZone, p.Get("KeyName"), p.Get("ClientToken"), metadata, [.. interfaces.Select(i => i.Nic)], instanceTags);
                launched.Add(await context.Grain<IInstanceGrain>(instanceIds[index]).LaunchAsync(spec));
                created.Add([.. interfaces.Where(i => i.Created).Select(i => i.Nic.NetworkInterfaceId)]);
            }
            catch (Ec2Exception) when (launched.Count >= minCount)
            {
                // EC2 launches as many as it can between MinCount and MaxCount; this one could not be.
                await Undo(context, interfaces);
                break;
            }
            catch (Ec2Exception)
            {
                // Fewer than MinCount: EC2 launches nothing, so the instances launched so far go too.
                await Undo(context, interfaces);
                for (var i = 0; i < launched.Count; i++)
                {
                    await context.Grain<IInstanceGrain>(launched[i].InstanceId).AbortLaunchAsync(created[i]);
                }

                throw;
            }
        }

        return launched;
    }

    /// <summary>A launch that failed leaves nothing behind: its new interfaces go, existing ones are let go.</summary>
    private static async Task Undo(Ec2Context context, List<(LaunchInterface Nic, bool Created)> interfaces)
    {
        foreach (var (nic, created) in interfaces)
        {
            var grain = context.Grain<INetworkInterfaceGrain>(nic.NetworkInterfaceId);
            try
            {
                if (created)
                {
                    await grain.DeleteAsync(evenIfAttached: true);
                }
                else if (context.Region.Attachments.ContainsKey(nic.AttachmentId))
                {
                    await grain.DetachAsync(nic.AttachmentId);
                }
            }
            catch (Ec2Exception)
            {
                // Already gone: nothing to undo.
            }
        }
    }
}
