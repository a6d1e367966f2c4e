using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Harness.Domain.Net;

/// <summary>An IPv4 CIDR block whose base address is aligned to its prefix length.</summary>
[GenerateSerializer]
[Immutable]
public readonly record struct Ipv4Cidr(uint Network, int PrefixLength)
{
    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    public long Size => 1L << (32 - PrefixLength);

    public uint First => Network;

    public uint Last => (uint)(Network + Size - 1);

    public bool Contains(uint address) => (address & Mask) == Network;

    public bool Contains(Ipv4Cidr other) => other.PrefixLength >= PrefixLength && Contains(other.Network);

    public bool Overlaps(Ipv4Cidr other) => Contains(other.Network) || other.Contains(Network);

    /// <summary>
    /// Parses <c>a.b.c.d/n</c>. EC2 rejects blocks whose host bits are set, so an unaligned base fails here too;
    /// <paramref name="error"/> then says which of the two was wrong.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv4Cidr cidr, out CidrParseError error)
    {
        cidr = default;
        error = CidrParseError.Malformed;
        var slash = text?.IndexOf('/') ?? -1;
        if (text is null || slash < 0
            || !Ipv4.TryParse(text[..slash], out var network)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || length > 32 || text.Length - slash > 3)
        {
            return false;
        }

        var candidate = new Ipv4Cidr(network & (length == 0 ? 0u : uint.MaxValue << (32 - length)), length);
        if (candidate.Network != network)
        {
            error = CidrParseError.HostBitsSet;
            return false;
        }

        cidr = candidate;
        error = CidrParseError.None;
        return true;
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv4Cidr cidr) => TryParse(text, out cidr, out _);

    public override string ToString() => $"{Ipv4.Format(Network)}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";
}
