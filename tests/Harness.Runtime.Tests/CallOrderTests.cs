namespace Harness.Runtime.Tests;

public interface IRecorderGrain : IGrainWithStringKey
{
    Task RecordAsync(int caller, int sequence);

    Task BlockAsync();

    Task<IReadOnlyList<(int Caller, int Sequence)>> GetRecordAsync();
}

public sealed class RecorderGrain(Gates gates) : Grain, IRecorderGrain
{
    private readonly List<(int Caller, int Sequence)> record = [];

    public async Task RecordAsync(int caller, int sequence)
    {
        // Some turns complete synchronously and some hop threads, so the mailbox fills and drains unevenly.
        if (sequence % 7 == 0)
        {
            await Task.Yield();
        }

        record.Add((caller, sequence));
    }

    public Task BlockAsync() => gates["unblock"];

    public Task<IReadOnlyList<(int Caller, int Sequence)>> GetRecordAsync() =>
        Task.FromResult<IReadOnlyList<(int Caller, int Sequence)>>([.. record]);
}

public sealed class CallOrderTests
{
    private const int Calls = 10_000;

    private static GrainTestHost Host(Gates gates) => new(r => r.Add<IRecorderGrain, RecorderGrain>(), gates);

    [Fact]
    public async Task Call_TenThousandFromOneCallerWithoutAwaiting_RunInSendOrder()
    {
        await using var host = Host(new Gates());
        var grain = host.Get<IRecorderGrain>("a");

        var sent = await Task.Run(() => Enumerable.Range(0, Calls).Select(i => grain.RecordAsync(0, i)).ToArray());
        await Task.WhenAll(sent).WaitAsync(GrainTestHost.HangGuard);

        var record = await grain.GetRecordAsync();
        Assert.Equal(Enumerable.Range(0, Calls), record.Select(r => r.Sequence));
    }

    [Fact]
    public async Task Call_TenThousandQueuedBehindABlockedTurn_RunInSendOrder()
    {
        var gates = new Gates();
        await using var host = Host(gates);
        var grain = host.Get<IRecorderGrain>("a");

        var blocked = grain.BlockAsync();
        var sent = Enumerable.Range(0, Calls).Select(i => grain.RecordAsync(0, i)).ToArray();
        Assert.DoesNotContain(sent, call => call.IsCompleted);
        gates.Open("unblock");
        await Task.WhenAll([blocked, .. sent]).WaitAsync(GrainTestHost.HangGuard);

        var record = await grain.GetRecordAsync();
        Assert.Equal(Enumerable.Range(0, Calls), record.Select(r => r.Sequence));
    }

    [Fact]
    public async Task Call_SeveralConcurrentCallers_EachCallersOrderIsKept()
    {
        const int callers = 4;
        await using var host = Host(new Gates());

        var sending = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var grain = host.Get<IRecorderGrain>("shared");
            var sent = Enumerable.Range(0, Calls).Select(i => grain.RecordAsync(caller, i)).ToArray();
            await Task.WhenAll(sent);
        }));
        await Task.WhenAll(sending).WaitAsync(GrainTestHost.HangGuard);

        var record = await host.Get<IRecorderGrain>("shared").GetRecordAsync();
        Assert.Equal(callers * Calls, record.Count);
        for (var caller = 0; caller < callers; caller++)
        {
            Assert.Equal(Enumerable.Range(0, Calls), record.Where(r => r.Caller == caller).Select(r => r.Sequence));
        }
    }
}
