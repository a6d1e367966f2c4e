using System.Globalization;

namespace Harness.Load.Reports;

/// <summary>
/// Numbers as the reports for people write them: invariant culture, a precision that suits the size, and a dash or
/// ∞ where a value is not finite (a model's unbounded maximum, a rate over no time) rather than "NaN".
/// </summary>
internal static class ReportFormat
{
    /// <summary>Milliseconds to a precision that suits their size: 0.042, 3.17, 250.4, 12040.</summary>
    public static string Ms(double ms) => Math.Abs(ms) switch
    {
        < 1 => Number(ms, "0.000"),
        < 100 => Number(ms, "0.00"),
        < 10_000 => Number(ms, "0.0"),
        _ => Number(ms, "0"),
    };

    public static string Rate(double perSecond) => Number(perSecond, "0.0");

    public static string Seconds(double seconds) => Number(seconds, "0.0") + " s";

    public static string Count(long count) => count.ToString(CultureInfo.InvariantCulture);

    /// <summary>A part of a whole as a percentage, "–" when the whole is empty.</summary>
    public static string Percent(long part, long whole) => whole == 0 ? "–" : Number(100.0 * part / whole, "0.0") + " %";

    public static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : double.IsNaN(value) ? "–" : value > 0 ? "∞" : "-∞";
}
