using System.Globalization;

namespace Harness.Domain.Clouds;

/// <summary>
/// Alibaba-shaped ids: a prefix, <c>-</c>, the region's code and lower-case letters and digits to twenty characters
/// (<c>eni-bp1bighqoqowq73yw91r</c>); MAC addresses under Alibaba's OUI <c>00:16:3e</c>.
/// </summary>
public static class AlibabaIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private const int Length = 20;

    /// <summary>Alibaba's prefix for one of the harness's internal (EC2) ones.</summary>
    public static string PrefixFor(string internalPrefix) => internalPrefix switch
    {
        "subnet" => "vsw",
        "eipalloc" => "eip",
        _ => internalPrefix,
    };

    public static string New(string prefix, string regionId, Random random)
    {
        var code = AlibabaRegions.CodeOf(regionId);
        Span<char> body = stackalloc char[Length];
        code.AsSpan().CopyTo(body);
        for (var i = code.Length; i < Length; i++)
        {
            body[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        return string.Concat(prefix, "-", body);
    }

    /// <summary>True when <paramref name="id"/> is <c>prefix-</c> followed by letters and digits (no client checks more).</summary>
    public static bool IsWellFormed(string prefix, string? id)
    {
        if (id is null || id.Length <= prefix.Length + 1 || !id.StartsWith(prefix, StringComparison.Ordinal) || id[prefix.Length] != '-')
        {
            return false;
        }

        foreach (var c in id.AsSpan(prefix.Length + 1))
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    public static string NewMac(Random random)
    {
        Span<byte> tail = stackalloc byte[3];
        random.NextBytes(tail);
        return string.Create(CultureInfo.InvariantCulture, $"00:16:3e:{tail[0]:x2}:{tail[1]:x2}:{tail[2]:x2}");
    }
}
