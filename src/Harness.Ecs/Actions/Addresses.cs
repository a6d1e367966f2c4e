using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>Private addresses and IPv4 prefixes as the ENI actions take them.</summary>
internal static class Addresses
{
    /// <summary>An address inside the vSwitch and not one of its reserved four; otherwise <c>InvalidVSwitchId.IpInvalid</c>.</summary>
    public static uint Usable(EcsContext context, SubnetView vSwitch, string text)
    {
        var address = RpcParameters.ParseIp(text);
        return vSwitch.Cidr.Contains(address) && !context.Region.Rules.IsReserved(vSwitch.Cidr, address)
            ? address
            : throw AlibabaErrors.IpInvalid(text);
    }

    /// <summary><c>Ipv4Prefix.N</c> (strict /28 blocks) or <c>Ipv4PrefixCount</c>, 1 to 10 of either, never both.</summary>
    public static (ImmutableArray<uint> Prefixes, int Count) Prefixes(RpcParameters p)
    {
        var texts = p.GetList("Ipv4Prefix");
        var count = p.GetInt("Ipv4PrefixCount");
        if (texts.Count > 0 && count is not null)
        {
            throw AlibabaErrors.Conflict("Ipv4Prefix.N and Ipv4PrefixCount cannot be given together.");
        }

        if (texts.Count > 10 || count is < 1 or > 10)
        {
            throw AlibabaErrors.InvalidParameter(count is null ? "Ipv4Prefix" : "Ipv4PrefixCount");
        }

        var prefixes = texts.Select(text => Ipv4Cidr.TryParse(text, out var cidr) && cidr.ToString() == text
            ? cidr.PrefixLength == 28
                ? cidr.Network
                : throw new AlibabaException("InvalidIp.IpPrefixMaskInvalid", $"The ip prefixes mask {text} is illegal which must be between 28 and 28.", 403)
            : throw new AlibabaException("InvalidIp.IpPrefixNotStrict", "The ip prefix must be strict cidr format.", 403));
        return ([.. prefixes], count ?? 0);
    }
}
