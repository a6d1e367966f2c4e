using Harness.Domain.Delays;

namespace Harness.Load.Stats;

/// <summary>
/// The exact distribution, in seconds, of what <see cref="DelayModel.Sample"/> returns, so that observed
/// propagation delays can be checked against the configured model. Sampling clamps every draw to
/// [0, <see cref="DelayModel.MaxDuration"/>], so these distributions do too: a normal with a mean near zero has a
/// point mass at 0, and every unbounded model (normal, lognormal, exponential, pareto) has a point mass at
/// <see cref="DelayModel.MaxDuration"/> for its tail. Rounding to whole 100 ns ticks is ignored.
/// </summary>
/// <remarks>
/// A <c>never</c> draw (null) counts as +∞: for finite x the CDF is P(sample ≤ x) over the finite draws only, so it
/// tends to 1 - P(never), and it is 1 exactly at +∞. Feed never draws to <see cref="KolmogorovSmirnov"/> as
/// <see cref="double.PositiveInfinity"/> and they are accounted for.
/// </remarks>
public static class DelayDistribution
{
    private const int MaxBisections = 2200;

    private static readonly double MaxSeconds = DelayModel.MaxDuration.TotalSeconds;

    /// <summary>
    /// P(sample ≤ x) for x in seconds: right-continuous, non-decreasing, 0 below zero, 1 - P(never) from
    /// <see cref="DelayModel.MaxDuration"/> on and 1 at +∞. Null only for a model kind this class does not know.
    /// </summary>
    public static Func<double, double>? Cdf(DelayModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Func<double, double>? finite = model switch
        {
            FixedDelay f => Step(f.Value.TotalSeconds),
            UniformDelay u => UniformCdf(u.Min.TotalSeconds, u.Max.TotalSeconds),
            NormalDelay n => NormalCdf(n.Mean.TotalSeconds, n.StandardDeviation.TotalSeconds),
            LogNormalDelay l => Capped(x => x <= 0 ? 0 : StandardNormal.Cdf((Math.Log(x) - l.Mu) / l.Sigma)),
            ExponentialDelay e => Capped(x => x < 0 ? 0 : 1 - Math.Exp(-x / e.Mean.TotalSeconds)),
            ParetoDelay p => Capped(x => x < p.Scale.TotalSeconds ? 0 : 1 - Math.Pow(p.Scale.TotalSeconds / x, p.Shape)),
            NeverDelay => _ => 0,
            MixDelay m => MixCdf(m),
            _ => null,
        };

        return finite is null ? null : x => double.IsPositiveInfinity(x) ? 1 : finite(x);
    }

    /// <summary>
    /// The smallest x (seconds) with P(sample ≤ x) ≥ <paramref name="p"/>; at p = 0, the bottom of the support.
    /// Closed form for every model but a mix, which bisects its CDF to adjacent doubles. Null when
    /// <paramref name="p"/> exceeds the finite mass 1 - P(never) (always for <c>never</c>), or when
    /// <see cref="Cdf"/> is null.
    /// </summary>
    public static double? Quantile(DelayModel model, double p)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability must be between 0 and 1.");
        }

        return model switch
        {
            FixedDelay f => f.Value.TotalSeconds,
            UniformDelay u => Math.Min(u.Max.TotalSeconds, u.Min.TotalSeconds + (p * (u.Max - u.Min).TotalSeconds)),
            NormalDelay n when n.StandardDeviation == TimeSpan.Zero => n.Mean.TotalSeconds,
            NormalDelay n => Math.Clamp(n.Mean.TotalSeconds + (n.StandardDeviation.TotalSeconds * StandardNormal.Quantile(p)), 0, MaxSeconds),
            LogNormalDelay l => Math.Min(MaxSeconds, Math.Exp(l.Mu + (l.Sigma * StandardNormal.Quantile(p)))),
            ExponentialDelay e => Math.Min(MaxSeconds, e.Mean.TotalSeconds * MinusLogOneMinus(p)),
            ParetoDelay r => Math.Min(MaxSeconds, r.Scale.TotalSeconds * Math.Exp(MinusLogOneMinus(p) / r.Shape)),
            NeverDelay => null,
            MixDelay m => MixQuantile(m, p),
            _ => null,
        };
    }

    /// <summary>-ln(1 - p) without losing small p to the rounding of 1 - p (Goldberg's log1p), and +0 at p = 0.</summary>
    private static double MinusLogOneMinus(double p)
    {
        var u = 1 - p;
        return u == 1 ? p : -Math.Log(u) * p / (1 - u);
    }

    private static Func<double, double> Step(double at) => x => x >= at ? 1 : 0;

    /// <summary>Clamping at MaxDuration puts the whole tail there.</summary>
    private static Func<double, double> Capped(Func<double, double> cdf) => x => x >= MaxSeconds ? 1 : cdf(x);

    private static Func<double, double> UniformCdf(double min, double max) =>
        max == min ? Step(min) : x => Math.Clamp((x - min) / (max - min), 0, 1);

    /// <summary>Negative draws are clamped to 0, so everything below zero sits at 0: the CDF jumps there.</summary>
    private static Func<double, double> NormalCdf(double mean, double stddev) =>
        stddev == 0 ? Step(mean) : Capped(x => x < 0 ? 0 : StandardNormal.Cdf((x - mean) / stddev));

    private static Func<double, double>? MixCdf(MixDelay mix)
    {
        var weights = EffectiveWeights(mix);
        var cdfs = new Func<double, double>[weights.Length];
        for (var i = 0; i < cdfs.Length; i++)
        {
            if (Cdf(mix.Components[i].Model) is not { } cdf)
            {
                return null;
            }

            cdfs[i] = cdf;
        }

        return x =>
        {
            var sum = 0.0;
            for (var i = 0; i < cdfs.Length; i++)
            {
                sum += weights[i] * cdfs[i](x);
            }

            return Math.Clamp(sum, 0, 1);
        };
    }

    /// <summary>
    /// The chance <see cref="MixDelay.Sample"/> picks each component: it walks running sums of the weights, which
    /// may miss 1 by up to <see cref="MixDelay.WeightTolerance"/>, and the last component takes whatever is left.
    /// </summary>
    private static double[] EffectiveWeights(MixDelay mix)
    {
        var weights = new double[mix.Components.Count];
        var before = 0.0;
        var cumulative = 0.0;
        for (var i = 0; i < weights.Length - 1; i++)
        {
            cumulative += mix.Components[i].Weight;
            weights[i] = Math.Min(cumulative, 1) - before;
            before = Math.Min(cumulative, 1);
        }

        weights[^1] = 1 - before;
        return weights;
    }

    private static double? MixQuantile(MixDelay mix, double p)
    {
        if (Cdf(mix) is not { } cdf)
        {
            return null;
        }

        // Everything finite lies in [0, MaxDuration], so the CDF there is the finite mass.
        var mass = cdf(MaxSeconds);
        if (mass == 0 || p > mass)
        {
            return null;
        }

        if (p == 0)
        {
            // The bottom of a mix's support is the lowest bottom among its components that can be finite.
            // Min skips the nulls of never components.
            return mix.Components.Min(c => Quantile(c.Model, 0));
        }

        if (cdf(0) >= p)
        {
            return 0;
        }

        // Invariant: cdf(low) < p <= cdf(high). Stops when the two are adjacent doubles.
        var low = 0.0;
        var high = MaxSeconds;
        for (var i = 0; i < MaxBisections; i++)
        {
            var middle = low + ((high - low) / 2);
            if (middle <= low || middle >= high)
            {
                break;
            }

            if (cdf(middle) >= p)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return high;
    }
}
