using System.Collections.Immutable;
using Harness.Domain.Net;

namespace Harness.ControlPlane.Metadata;

/// <summary>
/// What one instance's metadata service shows: an immutable snapshot, swapped whole when a change reaches the
/// instance, so a reader never locks and never sees half a change. It lags behind the control plane by design.
/// </summary>
/// <param name="State">running, stopped or terminated, as far as the instance has seen.</param>
/// <param name="Interfaces">Attached interfaces by network card, then device number.</param>
public sealed record MetadataView(InstanceIdentity Identity, string State, ImmutableArray<InterfaceMetadata> Interfaces)
{
    /// <summary>The interface at device 0 of card 0: it gives the top-level mac, local-ipv4 and public-ipv4.</summary>
    public InterfaceMetadata? Primary
    {
        get
        {
            foreach (var nic in Interfaces)
            {
                if (nic.DeviceNumber == 0 && nic.NetworkCard == 0)
                {
                    return nic;
                }
            }

            return null;
        }
    }

    /// <summary>Whether both views show the same metadata (records compare arrays by reference; this compares content).</summary>
    public bool ShowsSameAs(MetadataView other) => MetadataDiff.SameContent(this, other);

    public InterfaceMetadata? FindByMac(string mac)
    {
        foreach (var nic in Interfaces)
        {
            if (nic.Mac == mac)
            {
                return nic;
            }
        }

        return null;
    }
}

/// <summary>The facts of an instance that never change while it exists.</summary>
/// <param name="MultipleNetworkCards">Whether the type has more than one network card; <c>network-card</c> is 404 otherwise.</param>
public sealed record InstanceIdentity(
    string InstanceId, string Region, string AccountId, string ImageId, string InstanceType, string Architecture, int AmiLaunchIndex,
    string ReservationId, string AvailabilityZone, string AvailabilityZoneId, DateTimeOffset LaunchTime, bool MultipleNetworkCards);

/// <summary>One attached interface as the metadata tree shows it under <c>network/interfaces/macs/&lt;mac&gt;/</c>.</summary>
/// <param name="LocalIpv4s">Primary first, then secondaries in assignment order.</param>
/// <param name="Associations">Elastic IPs and the private addresses they map to, in the order of <paramref name="LocalIpv4s"/>.</param>
public sealed record InterfaceMetadata(
    string Mac, string NetworkInterfaceId, int DeviceNumber, int NetworkCard, string SubnetId, Ipv4Cidr SubnetCidr, string VpcId,
    ImmutableArray<Ipv4Cidr> VpcCidrs, ImmutableArray<string> SecurityGroupIds, ImmutableArray<string> SecurityGroupNames,
    ImmutableArray<uint> LocalIpv4s, ImmutableArray<uint> Prefixes, ImmutableArray<ElasticAssociation> Associations)
{
    public uint PrimaryIpv4 => LocalIpv4s.IsDefaultOrEmpty ? 0 : LocalIpv4s[0];

    /// <summary>The hot-plug quirk (a fault): a newly attached interface briefly reports <c>device-number</c> 0.</summary>
    public bool HotplugQuirk { get; init; }

    /// <summary>What <c>device-number</c> answers.</summary>
    public int ShownDeviceNumber => HotplugQuirk ? 0 : DeviceNumber;

    /// <summary>The public address mapped to <paramref name="privateIp"/>, or 0.</summary>
    public uint PublicIpOf(uint privateIp)
    {
        foreach (var association in Associations)
        {
            if (association.PrivateIp == privateIp)
            {
                return association.PublicIp;
            }
        }

        return 0;
    }
}

public sealed record ElasticAssociation(uint PublicIp, uint PrivateIp);
