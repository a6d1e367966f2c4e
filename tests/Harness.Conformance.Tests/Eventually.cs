namespace Harness.Conformance.Tests;

/// <summary>Polls until a condition holds or a generous deadline passes: metadata changes arrive on real time.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    /// <summary>Returns the first value <paramref name="probe"/> gives that <paramref name="done"/> accepts.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(start) < Deadline, $"{what}: not within {Deadline.TotalSeconds:0} s (last: {value})");
            await Task.Delay(Poll);
        }
    }
}
