using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Harness.Domain.Net;

/// <summary>IPv4 addresses as 32-bit numbers: parsing that accepts only dotted quads, and formatting.</summary>
public static class Ipv4
{
    /// <summary>Parses a strict dotted quad (no leading zeros, no whitespace, four parts 0–255).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out uint address)
    {
        address = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 15)
        {
            return false;
        }

        var span = text.AsSpan();
        var value = 0u;
        for (var part = 0; part < 4; part++)
        {
            var end = part < 3 ? span.IndexOf('.') : span.Length;
            if (end <= 0 || end > 3)
            {
                return false;
            }

            var digits = span[..end];
            if ((digits.Length > 1 && digits[0] == '0')
                || !uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var octet)
                || octet > 255)
            {
                return false;
            }

            value = (value << 8) | octet;
            span = part < 3 ? span[(end + 1)..] : span[end..];
        }

        if (!span.IsEmpty)
        {
            return false;
        }

        address = value;
        return true;
    }

    public static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");
}
