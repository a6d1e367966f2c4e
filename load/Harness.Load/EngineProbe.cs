using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Harness.Load.Engine;
using Harness.Load.Http;

namespace Harness.Load;

/// <summary>The engine's side of calibration: keep(copies=C) of a scenario whose one step is <c>GET /</c> through <see cref="RawHttpClient"/>.</summary>
internal static class EngineProbe
{
    public static async Task<CalibrationSample> RunAsync(Uri url, int connections, TimeSpan duration, int serverPid, CancellationToken ct)
    {
        var server = new IPEndPoint(IPAddress.Parse(url.Host), url.Port);
        using var client = new RawHttpClient(server);
        var request = RawHttpClient.Get(url.Authority, "/");

        // Pooled state machines: with them a request allocates nothing on the engine's side either.
        var get = [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] async ValueTask<StepResult> (CancellationToken token) =>
        {
            var reply = await client.SendAsync(request, ReplyParts.StatusOnly, token).ConfigureAwait(false);
            return reply.Status == 200 ? StepResult.Ok : StepResult.Fail(reply.Status.ToString(CultureInfo.InvariantCulture));
        };
        var body = [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] async ValueTask (ScenarioContext context) =>
            await context.StepAsync("GET /", get).ConfigureAwait(false);
        var scenario = new LoadScenario("calibrate", body)
        {
            Simulations = [new LoadSimulation.Keep(connections, duration)],
        };

        var selfBefore = CpuClock.ProcessSeconds(Environment.ProcessId);
        var serverBefore = CpuClock.ProcessSeconds(serverPid);
        var machineBefore = CpuClock.MachineBusySeconds();
        var run = await LoadEngine.RunAsync([scenario], new LoadEngineOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)), TimeProvider.System, null, ct);
        var self = CpuClock.ProcessSeconds(Environment.ProcessId) - selfBefore;
        var serverCpu = serverPid == Environment.ProcessId ? 0 : CpuClock.ProcessSeconds(serverPid) - serverBefore;
        var machine = CpuClock.MachineBusySeconds() - machineBefore;

        var step = run.Scenarios[0].Steps.FirstOrDefault(s => s.Name == "GET /");
        var requests = step?.Count ?? 0;
        var seconds = run.Elapsed.TotalSeconds;
        return new CalibrationSample(
            "engine",
            connections,
            Math.Round(seconds, 2),
            requests,
            Math.Round(requests / seconds),
            (step?.Latency.ValueAt(0.5) ?? 0) / 1000.0,
            (step?.Latency.ValueAt(0.99) ?? 0) / 1000.0,
            (step?.Failed ?? 0) + run.Scenarios[0].Steps.Where(s => s.Name != "GET /").Sum(s => s.Count),
            Math.Round(self, 2),
            Math.Round(serverCpu, 2),
            Math.Round(Math.Max(0, machine - self - serverCpu), 2));
    }
}
