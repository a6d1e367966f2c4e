using System.Globalization;

namespace Harness.Domain.Ids;

/// <summary>EC2-shaped resource ids: a prefix and 17 lower-case hex digits (8 are accepted too, as EC2 still does).</summary>
public static class ResourceIds
{
    public static string New(string prefix, Random random)
    {
        Span<char> hex = stackalloc char[17];
        for (var i = 0; i < hex.Length; i++)
        {
            hex[i] = "0123456789abcdef"[random.Next(16)];
        }

        return string.Concat(prefix, "-", hex);
    }

    /// <summary>True when <paramref name="id"/> is <c>prefix-</c> followed by 8 or 17 hex digits.</summary>
    public static bool IsWellFormed(string prefix, string? id)
    {
        if (id is null || !id.StartsWith(prefix, StringComparison.Ordinal) || id.Length <= prefix.Length || id[prefix.Length] != '-')
        {
            return false;
        }

        var digits = id.AsSpan(prefix.Length + 1);
        if (digits.Length is not (8 or 17))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A locally administered unicast MAC, the way EC2's look (<c>0e:…</c> or <c>12:…</c>).</summary>
    public static string NewMac(Random random)
    {
        Span<byte> bytes = stackalloc byte[6];
        random.NextBytes(bytes);
        bytes[0] = (byte)((bytes[0] & 0xfc) | 0x02);
        return string.Join(':', bytes.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
