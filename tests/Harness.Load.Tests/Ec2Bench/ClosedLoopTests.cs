using Harness.Load.Ec2Bench;
using Harness.Load.Engine;

namespace Harness.Load.Tests.Ec2Bench;

/// <summary>The closed loop gives each copy a worker slot of its own: what lets a workload give every worker its own interfaces.</summary>
public sealed class ClosedLoopTests
{
    [Fact]
    public async Task RunAsync_NoSlotIsHeldByTwoCopiesAtOnce_AndEverySlotIsUsed()
    {
        const int Workers = 4;
        var holders = new int[Workers];
        var used = new int[Workers];
        var overlaps = 0;

        var run = await ClosedLoop.RunAsync("slots", Workers, new BenchLimits(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100)), async (worker, context) =>
        {
            await context.StepAsync("hold", async _ =>
            {
                if (Interlocked.Increment(ref holders[worker]) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                Interlocked.Increment(ref used[worker]);
                await Task.Yield();
                await Task.Delay(1);
                Interlocked.Decrement(ref holders[worker]);
                return StepResult.Ok;
            });
        });

        Assert.Equal(0, overlaps);
        Assert.All(used, n => Assert.True(n > 0));
        Assert.Equal(0, ClosedLoop.Unstepped(run));
        var stats = BenchStats.Of(run, "hold", new FirstError());
        Assert.True(stats.Requests > Workers, stats.ToString());
        Assert.Equal(0, stats.Errors);
        Assert.True(stats.P50Ms >= 1, stats.ToString());
    }
}
