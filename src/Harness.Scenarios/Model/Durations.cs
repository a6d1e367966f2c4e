using System.Globalization;
using System.Text.RegularExpressions;

namespace Harness.Scenarios.Model;

/// <summary>Durations as scenarios write them: a decimal number with <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c>.</summary>
public static partial class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var match = Pattern().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var ticks = match.Groups[2].Value switch
        {
            "ms" => number * TimeSpan.TicksPerMillisecond,
            "s" => number * TimeSpan.TicksPerSecond,
            "m" => number * TimeSpan.TicksPerMinute,
            _ => number * TimeSpan.TicksPerHour,
        };
        if (ticks > TimeSpan.FromDays(1).Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>
    /// Milliseconds below a second (<c>250ms</c>), whole minutes as minutes (<c>30m</c>), anything else as seconds
    /// with up to three decimals (<c>1.5s</c>, <c>90s</c>).
    /// </summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1) && value > TimeSpan.Zero)
        {
            return value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        }

        return value >= TimeSpan.FromMinutes(1) && value.Ticks % TimeSpan.TicksPerMinute == 0
            ? value.TotalMinutes.ToString(CultureInfo.InvariantCulture) + "m"
            : value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)$")]
    private static partial Regex Pattern();
}
