using System.Globalization;
using Harness.Load.Engine;

namespace Harness.Load;

/// <summary>
/// The run's live progress: on a terminal, one block redrawn in place every second (per scenario: copies in flight,
/// and per step its count, failures, rate over the last second and p99); in a log, the same block every ten seconds.
/// </summary>
internal sealed class LiveProgress(TextWriter output, bool quiet)
{
    private readonly bool terminal = !Console.IsErrorRedirected;
    private readonly Dictionary<(string, string), long> last = [];
    private TimeSpan lastAt;
    private int drawn;
    private TimeSpan? lastLogged;

    /// <summary>Draws one block; calls may come from the timer and the end of the run at once, so one at a time.</summary>
    public void Show(LoadProgress progress)
    {
        lock (output)
        {
            Draw(progress);
        }
    }

    private void Draw(LoadProgress progress)
    {
        if (quiet || (!terminal && progress.Elapsed - lastLogged < TimeSpan.FromSeconds(10)))
        {
            return;
        }

        lastLogged = progress.Elapsed;
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{(progress.WarmingUp ? "warm-up" : "running")} {Clock(progress.Elapsed)} / {Clock(progress.Planned)}"),
        };
        var seconds = Math.Max(1e-3, (progress.Elapsed - lastAt).TotalSeconds);
        foreach (var scenario in progress.Scenarios)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {scenario.Name}: {scenario.InFlight:N0} in flight, {scenario.Dropped:N0} dropped"));
            foreach (var step in scenario.Steps)
            {
                var count = step.Count;
                var before = last.GetValueOrDefault((scenario.Name, step.Name));
                last[(scenario.Name, step.Name)] = count;
                var rate = Math.Max(0, count - before) / seconds;
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"    {step.Name,-22} {count,10:N0} calls {step.Failed,8:N0} failed {rate,9:N0}/s p99 {step.Latency.ValueAt(0.99) / 1000.0,8:N1} ms"));
            }
        }

        lastAt = progress.Elapsed;
        if (terminal && drawn > 0)
        {
            output.Write($"\u001b[{drawn}A\u001b[J");
        }

        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        drawn = terminal ? lines.Count : 0;
    }

    /// <summary>Leaves the last block on screen: what follows is printed below it.</summary>
    public void Done() => drawn = 0;

    private static string Clock(TimeSpan t) => t.ToString(t.TotalHours >= 1 ? @"h\:mm\:ss" : @"mm\:ss", CultureInfo.InvariantCulture);
}
