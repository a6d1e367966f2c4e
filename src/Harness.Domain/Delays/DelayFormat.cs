using System.Globalization;

namespace Harness.Domain.Delays;

/// <summary>Canonical spellings shared by every model's <see cref="DelayModel.ToString"/>.</summary>
public static class DelayFormat
{
    /// <summary>
    /// Whole minutes as <c>Nm</c>, whole seconds as <c>Ns</c>, anything else as milliseconds with up to four
    /// decimals, which is exactly one tick (100ns), so formatting never loses precision. Zero is <c>0ms</c>.
    /// </summary>
    public static string Duration(TimeSpan value)
    {
        var ticks = value.Ticks;
        if (ticks != 0 && ticks % TimeSpan.TicksPerMinute == 0)
        {
            return (ticks / TimeSpan.TicksPerMinute).ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (ticks != 0 && ticks % TimeSpan.TicksPerSecond == 0)
        {
            return (ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "s";
        }

        return ((decimal)ticks / TimeSpan.TicksPerMillisecond).ToString("0.####", CultureInfo.InvariantCulture) + "ms";
    }

    /// <summary>
    /// The shortest text that parses back to the same double, written out as a plain decimal because the spec
    /// grammar has no exponent: <c>1E-10</c> becomes <c>0.0000000001</c>.
    /// </summary>
    public static string Number(double value)
    {
        if (value < 0)
        {
            return "-" + Number(-value);
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E');
        if (e < 0)
        {
            return text;
        }

        var mantissa = text[..e];
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return point <= 0 ? "0." + new string('0', -point) + digits
            : point >= digits.Length ? digits + new string('0', point - digits.Length)
            : $"{digits[..point]}.{digits[point..]}";
    }
}
