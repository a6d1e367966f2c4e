using System.Globalization;

namespace Harness.Scenarios.Running;

/// <summary>Progress lines while a scenario runs: the run's time, a mark, what happened.</summary>
public sealed class RunProgress(TextWriter writer)
{
    public static RunProgress None { get; } = new(TextWriter.Null);

    private readonly Lock gate = new();

    public void Line(TimeSpan at, string mark, string text)
    {
        var seconds = at.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        lock (gate)
        {
            writer.WriteLine($"[{seconds,9}s] {mark} {text}");
            writer.Flush();
        }
    }
}
