using System.Globalization;

namespace Harness.Load.Reports;

/// <summary>
/// One axis of a chart: its range, round ticks, and where a value falls along it (0 to 1). Ranges are widened to be
/// non-empty and finite whatever the data, so no chart divides by zero or writes NaN.
/// </summary>
internal sealed class ChartAxis
{
    private readonly Func<double, string> format;

    private ChartAxis(string label, double min, double max, bool log, IReadOnlyList<double> ticks, Func<double, string> format)
    {
        (Label, Min, Max, IsLog, Ticks, this.format) = (label, min, max, log, ticks, format);
    }

    public string Label { get; }

    public double Min { get; }

    public double Max { get; }

    public bool IsLog { get; }

    public IReadOnlyList<double> Ticks { get; }

    /// <summary>From zero to a round number at or above the largest finite value, with about five ticks.</summary>
    public static ChartAxis Linear(string label, IEnumerable<double> values, string unit = "")
    {
        var top = values.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var step = RoundStep(top > 0 ? top / 5 : 0.2);
        var count = Math.Max(1, (int)Math.Ceiling((top / step) - 1e-9));
        var ticks = Enumerable.Range(0, count + 1).Select(i => i * step).ToList();
        return new(label, 0, ticks[^1], false, ticks, v => v.ToString("0.###", CultureInfo.InvariantCulture) + unit);
    }

    /// <summary>Whole decades around the positive finite values, ticked at each power of ten (and 2 and 5 when there are few).</summary>
    public static ChartAxis Logarithmic(string label, IEnumerable<double> values)
    {
        var positive = values.Where(v => v > 0 && double.IsFinite(v)).ToList();
        var low = positive.Count == 0 ? 0 : (int)Math.Floor(Math.Log10(positive.Min()));
        var high = positive.Count == 0 ? 3 : Math.Max(low + 1, (int)Math.Ceiling(Math.Log10(positive.Max())));
        var multiples = high - low <= 2 ? new[] { 1.0, 2, 5 } : [1.0];
        var ticks = Enumerable.Range(low, high - low + 1)
            .SelectMany(e => multiples.Select(m => m * Math.Pow(10, e)))
            .Where(t => t <= Math.Pow(10, high) * 1.000001).ToList();
        return new(label, Math.Pow(10, low), Math.Pow(10, high), true, ticks, v => v.ToString("0.###", CultureInfo.InvariantCulture));
    }

    /// <summary>Where <paramref name="value"/> falls, from 0 at <see cref="Min"/> to 1 at <see cref="Max"/>, clamped.</summary>
    public double Fraction(double value)
    {
        var f = IsLog
            ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
            : (value - Min) / (Max - Min);
        return double.IsFinite(f) ? Math.Clamp(f, 0, 1) : value > Min ? 1 : 0;
    }

    /// <summary>The value at <paramref name="fraction"/> of the way along: the inverse of <see cref="Fraction"/>.</summary>
    public double ValueAt(double fraction) => IsLog
        ? Math.Pow(10, Math.Log10(Min) + (fraction * (Math.Log10(Max) - Math.Log10(Min))))
        : Min + (fraction * (Max - Min));

    public string Format(double value) => format(value);

    /// <summary>1, 2 or 5 times a power of ten, at or above <paramref name="rough"/>.</summary>
    private static double RoundStep(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        return new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(step => step >= rough * 0.999);
    }
}
