using System.Globalization;

namespace Harness.Domain.Delays;

/// <summary>Recursive descent over one spec text; every error carries the index of the token that broke it.</summary>
internal sealed class DelaySpecParser(DelaySpecReader reader)
{
    private static readonly string KnownModels = string.Join(", ", DelaySpec.KnownModels);

    public DelaySpecParser(string text)
        : this(new DelaySpecReader(text))
    {
    }

    public DelayModel ParseAll()
    {
        if (reader.IsBlank)
        {
            throw DelaySpecReader.Invalid($"expected a delay model ({KnownModels}), found an empty spec", 0);
        }

        var model = ParseModel();
        reader.ExpectEnd();

        return model;
    }

    /// <summary>One model from where the reader stands (a fault spec reads its delays this way, so positions stay its own).</summary>
    public DelayModel ParseModel()
    {
        var start = reader.SkipWhitespace();
        var name = reader.ReadWord();
        if (name.Length == 0)
        {
            throw reader.Expected($"a delay model ({KnownModels})", start);
        }

        return name switch
        {
            "never" => NeverDelay.Instance,
            "fixed" => ParseFixed(),
            "uniform" => ParseUniform(),
            "normal" => ParseNormal(),
            "lognormal" => ParseLogNormal(),
            "exponential" => ParseExponential(),
            "pareto" => ParsePareto(),
            "mix" => ParseMix(start),
            _ => throw new DelaySpecException(
                $"unknown delay model '{name}' at position {start}; known models are {KnownModels}",
                start),
        };
    }

    private FixedDelay ParseFixed()
    {
        reader.Expect('(');
        var value = reader.ReadDuration(out _);
        reader.Expect(')');
        return new FixedDelay(value);
    }

    private UniformDelay ParseUniform()
    {
        reader.Expect('(');
        var min = reader.ReadDuration(out _);
        reader.Expect(',');
        var max = reader.ReadDuration(out var at);
        reader.Expect(')');
        return max >= min ? new UniformDelay(min, max)
            : throw DelaySpecReader.Invalid($"uniform upper bound {DelayFormat.Duration(max)} is below the lower bound {DelayFormat.Duration(min)}", at);
    }

    private NormalDelay ParseNormal()
    {
        reader.Expect('(');
        var mean = reader.ReadNamedDuration("mean", out _);
        reader.Expect(',');
        var stddev = reader.ReadNamedDuration("stddev", out _);
        reader.Expect(')');
        return new NormalDelay(mean, stddev);
    }

    private LogNormalDelay ParseLogNormal()
    {
        reader.Expect('(');
        var median = reader.ReadNamedDuration("median", out var medianAt);
        if (median <= TimeSpan.Zero)
        {
            throw DelaySpecReader.Invalid("lognormal median must be greater than 0ms", medianAt);
        }

        reader.Expect(',');
        var p99 = reader.ReadNamedDuration("p99", out var p99At);
        reader.Expect(')');
        return p99 > median ? new LogNormalDelay(median, p99)
            : throw DelaySpecReader.Invalid($"lognormal p99 {DelayFormat.Duration(p99)} must be greater than the median {DelayFormat.Duration(median)}", p99At);
    }

    private ExponentialDelay ParseExponential()
    {
        reader.Expect('(');
        var mean = reader.ReadNamedDuration("mean", out var at);
        reader.Expect(')');
        return mean > TimeSpan.Zero ? new ExponentialDelay(mean) : throw DelaySpecReader.Invalid("exponential mean must be greater than 0ms", at);
    }

    private ParetoDelay ParsePareto()
    {
        reader.Expect('(');
        var scale = reader.ReadNamedDuration("scale", out var scaleAt);
        if (scale <= TimeSpan.Zero)
        {
            throw DelaySpecReader.Invalid("pareto scale must be greater than 0ms", scaleAt);
        }

        reader.Expect(',');
        reader.ExpectName("shape");
        var shape = reader.ReadNumber("a shape such as 1.5", out var shapeAt);
        reader.Expect(')');
        return shape > 0 ? new ParetoDelay(scale, shape) : throw DelaySpecReader.Invalid("pareto shape must be greater than 0", shapeAt);
    }

    private MixDelay ParseMix(int start)
    {
        reader.Expect('(');
        var components = new List<WeightedDelay>();
        do
        {
            var weight = reader.ReadNumber("a weight such as 0.5", out var weightAt);
            if (!(weight > 0))
            {
                throw DelaySpecReader.Invalid("mix weight must be greater than 0", weightAt);
            }

            reader.Expect(':');
            components.Add(new WeightedDelay(weight, ParseModel()));
        }
        while (reader.TryConsume(','));

        reader.Expect(')', "',' or ')'");
        var sum = components.Sum(c => c.Weight);
        return Math.Abs(sum - 1) <= MixDelay.WeightTolerance ? new MixDelay(components)
            : throw DelaySpecReader.Invalid($"mix weights must sum to 1 (within {MixDelay.WeightTolerance.ToString("0e0", CultureInfo.InvariantCulture)}) but sum to {DelayFormat.Number(sum)}", start);
    }
}
