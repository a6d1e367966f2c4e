using System.Globalization;

namespace Harness.Domain.Delays;

/// <summary>Durations given on the command line: a whole number with a unit, <c>500ms</c>, <c>90s</c>, <c>30m</c>, <c>1h</c>.</summary>
public static class DurationText
{
    /// <summary>Long enough for any retention a test run wants, short enough that the harness clock never overflows.</summary>
    public static TimeSpan Max { get; } = TimeSpan.FromDays(30);

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        text = text?.Trim() ?? "";
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        var unit = text[digits..] switch
        {
            "ms" => TimeSpan.FromMilliseconds(1),
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            _ => TimeSpan.Zero,
        };
        if (digits == 0 || unit == TimeSpan.Zero
            || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count > Max / unit)
        {
            return false;
        }

        value = unit * count;
        return true;
    }
}
