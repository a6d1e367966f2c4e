using Harness.Domain.Delays;

namespace Harness.Load.Engine;

/// <summary>
/// One phase of load, as in NBomber: an open model that injects copies of the scenario at a rate whatever their
/// latency (<c>inject</c>, <c>ramp</c>), a closed model that keeps a number of copies running back to back
/// (<c>keep</c>, <c>ramp-keep</c>), or a <c>pause</c>. Written as <c>inject(rate=2000,during=60s)</c>; see <see cref="Parse"/>.
/// </summary>
public abstract record LoadSimulation(TimeSpan During)
{
    public static IReadOnlyList<string> Kinds { get; } = ["inject", "ramp", "keep", "ramp-keep", "pause"];

    /// <summary>True for the open model: copies start on a clock, not when others finish.</summary>
    public abstract bool IsOpen { get; }

    /// <summary>Copies per second to start (open model) or copies to keep running (closed), <paramref name="elapsed"/> into the phase.</summary>
    public abstract double LevelAt(TimeSpan elapsed);

    /// <summary>Copies the open model has started by <paramref name="elapsed"/>: the integral of the rate.</summary>
    public virtual double StartedBy(TimeSpan elapsed) => 0;

    /// <summary>The largest level the phase reaches: how many workers a closed phase needs.</summary>
    public abstract double PeakLevel { get; }

    /// <summary>
    /// Reads phases separated by whitespace or ';': <c>inject(rate=N,during=D)</c>, <c>ramp(from=N,to=N,during=D)</c>
    /// (injection rate moving linearly), <c>keep(copies=N,during=D)</c>, <c>ramp-keep(from=N,to=N,during=D)</c>,
    /// <c>pause(during=D)</c>. Errors are <see cref="DelaySpecException"/>s with the position of the offending token.
    /// </summary>
    public static IReadOnlyList<LoadSimulation> Parse(string text)
    {
        var reader = new DelaySpecReader(text);
        var phases = new List<LoadSimulation>();
        while (true)
        {
            while (reader.TryConsume(';'))
            {
            }

            if (reader.Peek() == '\0')
            {
                break;
            }

            phases.Add(ParseOne(reader));
        }

        return phases.Count > 0 ? phases : throw reader.Expected($"a load simulation ({string.Join(", ", Kinds)})", reader.SkipWhitespace());
    }

    private static LoadSimulation ParseOne(DelaySpecReader reader)
    {
        var start = reader.SkipWhitespace();
        var kind = reader.ReadWhile(c => char.IsAsciiLetter(c) || c == '-');
        string[] names = kind switch
        {
            "inject" => ["rate", "during"],
            "ramp" or "ramp-keep" => ["from", "to", "during"],
            "keep" => ["copies", "during"],
            "pause" => ["during"],
            "" => throw reader.Expected($"a load simulation ({string.Join(", ", Kinds)})", start),
            _ => throw DelaySpecReader.Invalid($"unknown load simulation '{kind}'; known ones are {string.Join(", ", Kinds)}", start),
        };
        reader.Expect('(');
        var numbers = new double[names.Length - 1];
        for (var i = 0; i < names.Length - 1; i++)
        {
            if (i > 0)
            {
                reader.Expect(',');
            }

            reader.ExpectName(names[i]);
            numbers[i] = reader.ReadNumber($"a number of {(kind is "inject" or "ramp" ? "copies per second" : "copies")}", out var at);
            if (numbers[i] > 1_000_000)
            {
                throw DelaySpecReader.Invalid($"{names[i]}={DelayFormat.Number(numbers[i])} is more than 1000000", at);
            }

            if (names[i] == "copies" && numbers[i] != Math.Floor(numbers[i]))
            {
                throw DelaySpecReader.Invalid("copies must be a whole number", at);
            }
        }

        if (names.Length > 1)
        {
            reader.Expect(',');
        }

        var during = reader.ReadNamedDuration("during", out var durationAt);
        if (during <= TimeSpan.Zero)
        {
            throw DelaySpecReader.Invalid("during must be longer than 0", durationAt);
        }

        reader.Expect(')');
        return kind switch
        {
            "inject" => new Inject(numbers[0], during),
            "ramp" => new Ramp(numbers[0], numbers[1], during),
            "keep" => new Keep((int)numbers[0], during),
            "ramp-keep" => new RampKeep((int)Math.Round(numbers[0]), (int)Math.Round(numbers[1]), during),
            _ => new Pause(during),
        };
    }

    /// <summary>Canonical text for a list of phases; parses back to the same list.</summary>
    public static string Format(IEnumerable<LoadSimulation> phases) => string.Join(' ', phases);

    private static double Lerp(double from, double to, TimeSpan elapsed, TimeSpan during) =>
        from + ((to - from) * Math.Clamp(elapsed / during, 0, 1));

    public sealed record Inject(double Rate, TimeSpan During) : LoadSimulation(During)
    {
        public override bool IsOpen => true;

        public override double PeakLevel => Rate;

        public override double LevelAt(TimeSpan elapsed) => Rate;

        public override double StartedBy(TimeSpan elapsed) => Rate * Math.Clamp(elapsed.TotalSeconds, 0, During.TotalSeconds);

        public override string ToString() => $"inject(rate={DelayFormat.Number(Rate)},during={DelayFormat.Duration(During)})";
    }

    public sealed record Ramp(double From, double To, TimeSpan During) : LoadSimulation(During)
    {
        public override bool IsOpen => true;

        public override double PeakLevel => Math.Max(From, To);

        public override double LevelAt(TimeSpan elapsed) => Lerp(From, To, elapsed, During);

        public override double StartedBy(TimeSpan elapsed)
        {
            var t = Math.Clamp(elapsed.TotalSeconds, 0, During.TotalSeconds);
            return (From * t) + ((To - From) * t * t / (2 * During.TotalSeconds));
        }

        public override string ToString() => $"ramp(from={DelayFormat.Number(From)},to={DelayFormat.Number(To)},during={DelayFormat.Duration(During)})";
    }

    public sealed record Keep(int Copies, TimeSpan During) : LoadSimulation(During)
    {
        public override bool IsOpen => false;

        public override double PeakLevel => Copies;

        public override double LevelAt(TimeSpan elapsed) => Copies;

        public override string ToString() => $"keep(copies={Copies},during={DelayFormat.Duration(During)})";
    }

    public sealed record RampKeep(int From, int To, TimeSpan During) : LoadSimulation(During)
    {
        public override bool IsOpen => false;

        public override double PeakLevel => Math.Max(From, To);

        public override double LevelAt(TimeSpan elapsed) => Math.Round(Lerp(From, To, elapsed, During));

        public override string ToString() => $"ramp-keep(from={From},to={To},during={DelayFormat.Duration(During)})";
    }

    public sealed record Pause(TimeSpan During) : LoadSimulation(During)
    {
        public override bool IsOpen => true;

        public override double PeakLevel => 0;

        public override double LevelAt(TimeSpan elapsed) => 0;

        public override string ToString() => $"pause(during={DelayFormat.Duration(During)})";
    }
}
