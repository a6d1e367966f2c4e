using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Catalog;
using Harness.Domain.Net;

namespace Harness.ControlPlane.Metadata;

/// <summary>What an instance's metadata would show if it were in step with the control plane right now.</summary>
internal static class MetadataProjection
{
    public static InstanceIdentity IdentityOf(RegionState state, InstanceView instance, string accountId)
    {
        var type = InstanceTypeCatalog.Of(instance.InstanceType);
        return new InstanceIdentity(
            instance.InstanceId, state.Name, accountId, instance.ImageId, instance.InstanceType, type.Architecture, instance.AmiLaunchIndex,
            instance.ReservationId, instance.AvailabilityZone, state.ZoneIdOf(instance.AvailabilityZone), instance.LaunchTime,
            type.MaximumNetworkCards > 1);
    }

    public static MetadataView Project(RegionState state, InstanceView instance, InstanceIdentity identity)
    {
        var lifecycle = instance.State.Name switch
        {
            "pending" or "running" => "running",
            "stopping" or "stopped" => "stopped",
            _ => "terminated",
        };
        if (lifecycle == "terminated")
        {
            return new MetadataView(identity, lifecycle, []);
        }

        var interfaces = ImmutableArray.CreateBuilder<InterfaceMetadata>(instance.Attachments.Length);
        foreach (var attachment in instance.Attachments.OrderBy(a => a.NetworkCardIndex).ThenBy(a => a.DeviceIndex))
        {
            // An interface counts once both sides agree: the instance lists it and the interface names the instance.
            if (state.NetworkInterfaces.TryGetValue(attachment.NetworkInterfaceId, out var nic)
                && nic.Attachment?.InstanceId == instance.InstanceId
                && state.Subnets.TryGetValue(nic.SubnetId, out var subnet))
            {
                interfaces.Add(Interface(state, nic, attachment, subnet));
            }
        }

        return new MetadataView(identity, lifecycle, interfaces.ToImmutable());
    }

    private static InterfaceMetadata Interface(RegionState state, NetworkInterfaceView nic, InstanceAttachment attachment, SubnetView subnet)
    {
        var addresses = subnet.AddressesOf(nic.NetworkInterfaceId);
        var local = addresses.All.ToImmutableArray();
        var associations = ImmutableArray.CreateBuilder<ElasticAssociation>();
        foreach (var address in local)
        {
            if (addresses.Bindings.TryGetValue(address, out var binding))
            {
                associations.Add(new ElasticAssociation(binding.PublicIp, address));
            }
        }

        ImmutableArray<Ipv4Cidr> vpcCidrs = state.Vpcs.TryGetValue(nic.VpcId, out var vpc) ? [vpc.Cidr] : [];
        var groupNames = nic.GroupIds
            .Select(id => state.SecurityGroups.TryGetValue(id, out var group) ? group.GroupName : id)
            .ToImmutableArray();
        return new InterfaceMetadata(
            nic.MacAddress, nic.NetworkInterfaceId, attachment.DeviceIndex, attachment.NetworkCardIndex, nic.SubnetId, subnet.Cidr, nic.VpcId,
            vpcCidrs, nic.GroupIds, groupNames, local, addresses.Prefixes, associations.ToImmutable());
    }
}
