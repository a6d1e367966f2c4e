namespace Harness.Load.Stats;

/// <summary>The one-sample Kolmogorov–Smirnov test: how far an empirical distribution is from a claimed one.</summary>
public static class KolmogorovSmirnov
{
    /// <summary>
    /// D = sup over x of |F_n(x) - F(x)|, exact for any non-decreasing, right-continuous <paramref name="cdf"/>,
    /// including one with jumps (a fixed delay, the normal's pile at 0, the cap at MaxDuration): at each distinct
    /// sample value it compares both sides of the empirical step, the left one against F just below the value.
    /// Infinite samples are allowed (a never draw is +∞); NaN is not.
    /// </summary>
    public static double Distance(ReadOnlySpan<double> samples, Func<double, double> cdf)
    {
        ArgumentNullException.ThrowIfNull(cdf);
        if (samples.IsEmpty)
        {
            throw new ArgumentException("The distance needs at least one sample.", nameof(samples));
        }

        var sorted = samples.ToArray();
        Array.Sort(sorted);

        // NaN sorts first.
        if (double.IsNaN(sorted[0]))
        {
            throw new ArgumentException("A sample is NaN.", nameof(samples));
        }

        var n = (double)sorted.Length;
        var distance = 0.0;
        var i = 0;
        while (i < sorted.Length)
        {
            var x = sorted[i];
            var j = i + 1;
            while (j < sorted.Length && sorted[j] == x)
            {
                j++;
            }

            // F_n is i/n just below x and j/n at x; between samples both are monotone, so the sup is at these ends.
            var below = Math.Abs((i / n) - cdf(double.BitDecrement(x)));
            var at = Math.Abs((j / n) - cdf(x));
            distance = Math.Max(distance, Math.Max(below, at));
            i = j;
        }

        return distance;
    }

    /// <summary>
    /// The asymptotic critical value c(α)·√(1/n) with c(α) = √(-ln(α/2)/2) (1.358 at α = 0.05): a correct sampler
    /// exceeds it with probability about α. For information: exact only for a continuous CDF and large n, and
    /// conservative when the CDF has jumps.
    /// </summary>
    public static double CriticalValue(int n, double alpha = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The significance level must be between 0 and 1.");
        }

        return Math.Sqrt(-Math.Log(alpha / 2) / 2) * Math.Sqrt(1.0 / n);
    }
}
