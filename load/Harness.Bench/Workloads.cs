namespace Harness.Bench;

/// <summary>The three measured workloads. Request bodies are built once per worker where they never change.</summary>
internal sealed class Workloads(LoadDriver driver, Ec2Fixture fixture)
{
    public const string AssignByCount = "assign-by-count";
    public const string DescribeById = "describe-by-id";
    public const string ReassignPingPong = "reassign-ping-pong";

    public static readonly string[] All = [AssignByCount, DescribeById, ReassignPingPong];

    // Ping-pong direction survives across concurrency levels: the address is wherever the last run left it.
    private readonly bool[] _towardsB = Enumerable.Repeat(true, fixture.PairA.Length).ToArray();

    public Task<(Stats Primary, Stats? Secondary)> RunAsync(string workload, int concurrency, LoadLimits limits) => workload switch
    {
        AssignByCount => RunAssignByCountAsync(concurrency, limits),
        DescribeById => RunDescribeByIdAsync(concurrency, limits),
        ReassignPingPong => RunPingPongAsync(concurrency, limits),
        _ => throw new ArgumentException($"unknown workload {workload}"),
    };

    /// <summary>Assign one address by count, then unassign it so the interface never nears its limit.</summary>
    private Task<(Stats, Stats?)> RunAssignByCountAsync(int concurrency, LoadLimits limits)
    {
        var assignBodies = fixture.Assign
            .Select(e => QueryClient.BuildBody("AssignPrivateIpAddresses", $"NetworkInterfaceId={e.Id}&SecondaryPrivateIpAddressCount=1"))
            .ToArray();
        return driver.RunAsync(concurrency, limits, withSecondary: true, async (w, assigns, unassigns) =>
        {
            var eni = fixture.Assign[w];
            var response = await driver.CallAsync(assigns, assignBodies[w]);
            if (response.IsError)
            {
                return;
            }

            var parameters = Ec2Fixture.UnassignParameters(eni, Ec2Fixture.NewAddresses(response.Body, eni));
            if (parameters.Length == 0)
            {
                assigns.RecordError("(parse) " + System.Text.Encoding.UTF8.GetString(assignBodies[w]), response with { Status = -1 });
                return;
            }

            await driver.CallAsync(unassigns, QueryClient.BuildBody("UnassignPrivateIpAddresses", parameters));
        });
    }

    private Task<(Stats, Stats?)> RunDescribeByIdAsync(int concurrency, LoadLimits limits)
    {
        var bodies = fixture.Assign
            .Select(e => QueryClient.BuildBody("DescribeNetworkInterfaces", $"NetworkInterfaceId.1={e.Id}"))
            .ToArray();
        return driver.RunAsync(concurrency, limits, withSecondary: false, async (w, recorder, _) =>
        {
            var response = await driver.CallAsync(recorder, bodies[w]);
            if (!response.IsError && !response.Body.Contains(fixture.Assign[w].Id, StringComparison.Ordinal))
            {
                recorder.RecordError("(wrong interface) " + System.Text.Encoding.UTF8.GetString(bodies[w]), response with { Status = -1 });
            }
        });
    }

    /// <summary>Moves each worker's address between its own A and B with AllowReassignment.</summary>
    private Task<(Stats, Stats?)> RunPingPongAsync(int concurrency, LoadLimits limits)
    {
        byte[] Body(Eni eni, string ip) => QueryClient.BuildBody(
            "AssignPrivateIpAddresses", $"NetworkInterfaceId={eni.Id}&PrivateIpAddress.1={ip}&AllowReassignment=true");

        var toA = fixture.PairA.Select((a, w) => Body(a, fixture.PingPongIps[w])).ToArray();
        var toB = fixture.PairB.Select((b, w) => Body(b, fixture.PingPongIps[w])).ToArray();
        return driver.RunAsync(concurrency, limits, withSecondary: false, async (w, recorder, _) =>
        {
            var body = _towardsB[w] ? toB[w] : toA[w];
            _towardsB[w] = !_towardsB[w];
            await driver.CallAsync(recorder, body);
        });
    }
}
