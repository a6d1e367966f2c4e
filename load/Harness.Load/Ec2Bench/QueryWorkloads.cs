using System.Net.Sockets;
using Harness.Load.Engine;
using Harness.Load.Workloads;

namespace Harness.Load.Ec2Bench;

/// <summary>
/// The three measured workloads, each a closed-loop scenario of the load engine. Requests that never change are built
/// once per worker (<see cref="Ec2Api.Prepare"/>); worker w drives the fixture's interfaces number w only.
/// </summary>
internal sealed class QueryWorkloads(Ec2Api ec2, Ec2Fixture fixture)
{
    public const string AssignByCount = "assign-by-count";
    public const string DescribeById = "describe-by-id";
    public const string ReassignPingPong = "reassign-ping-pong";

    public static readonly string[] All = [AssignByCount, DescribeById, ReassignPingPong];

    // Ping-pong direction survives across concurrency levels: the address is wherever the last run left it.
    private readonly bool[] towardsB = Enumerable.Repeat(true, fixture.PairA.Length).ToArray();

    public Task<(BenchStats Primary, BenchStats? Secondary)> RunAsync(string workload, int concurrency, BenchLimits limits) => workload switch
    {
        AssignByCount => RunAssignByCountAsync(concurrency, limits),
        DescribeById => RunDescribeByIdAsync(concurrency, limits),
        ReassignPingPong => RunPingPongAsync(concurrency, limits),
        _ => throw new ArgumentException($"unknown workload {workload}; the workloads are {string.Join(", ", All)}"),
    };

    /// <summary>
    /// Sends <paramref name="request"/>: an EC2 error is kept in <paramref name="errors"/> (if first) and returned; a
    /// transport failure is kept too, then thrown, so that the step counts it under the exception's name.
    /// </summary>
    public static async ValueTask<ApiReply> SendAsync(Ec2Api ec2, Ec2Request request, FirstError errors, CancellationToken token)
    {
        ApiReply reply;
        try
        {
            reply = await ec2.SendAsync(request, token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or SocketException or InvalidDataException or HttpRequestException)
        {
            errors.Offer(request.Body, 0, error.GetType().Name + ": " + error.Message);
            throw;
        }

        if (!reply.IsOk)
        {
            errors.Offer(request.Body, reply.Status, reply.Body);
        }

        return reply;
    }

    /// <summary>Assign one address by count, then unassign it so the interface never nears its limit.</summary>
    private async Task<(BenchStats, BenchStats?)> RunAssignByCountAsync(int concurrency, BenchLimits limits)
    {
        var assigns = fixture.Assign
            .Select(e => ec2.Prepare("AssignPrivateIpAddresses", $"NetworkInterfaceId={e.Id}&SecondaryPrivateIpAddressCount=1"))
            .ToArray();
        var assignErrors = new FirstError();
        var unassignErrors = new FirstError();
        var run = await ClosedLoop.RunAsync(AssignByCount, concurrency, limits, async (w, context) =>
        {
            var eni = fixture.Assign[w];
            var parameters = "";
            await context.StepAsync("assign", async token =>
            {
                var reply = await SendAsync(ec2, assigns[w], assignErrors, token).ConfigureAwait(false);
                if (!reply.IsOk)
                {
                    return StepResult.Fail(reply.ErrorCode!);
                }

                parameters = Ec2Fixture.UnassignParameters(eni, Ec2Fixture.NewAddresses(reply.Body, eni));
                if (parameters.Length == 0)
                {
                    assignErrors.Offer("(parse) " + assigns[w].Body, -1, reply.Body);
                    return StepResult.Fail("NoNewAddress");
                }

                return StepResult.Ok;
            }).ConfigureAwait(false);

            if (parameters.Length > 0)
            {
                var unassign = ec2.Prepare("UnassignPrivateIpAddresses", parameters);
                await context.StepAsync("unassign", async token =>
                {
                    var reply = await SendAsync(ec2, unassign, unassignErrors, token).ConfigureAwait(false);
                    return reply.IsOk ? StepResult.Ok : StepResult.Fail(reply.ErrorCode!);
                }).ConfigureAwait(false);
            }
        });
        return (BenchStats.Of(run, "assign", assignErrors, ClosedLoop.Unstepped(run)), BenchStats.Of(run, "unassign", unassignErrors));
    }

    private async Task<(BenchStats, BenchStats?)> RunDescribeByIdAsync(int concurrency, BenchLimits limits)
    {
        var describes = fixture.Assign.Select(e => ec2.Prepare("DescribeNetworkInterfaces", $"NetworkInterfaceId.1={e.Id}")).ToArray();
        var errors = new FirstError();
        var run = await ClosedLoop.RunAsync(DescribeById, concurrency, limits, (w, context) => DescribeAsync(ec2, context, describes[w], fixture.Assign[w].Id, errors));
        return (BenchStats.Of(run, "describe", errors, ClosedLoop.Unstepped(run)), null);
    }

    /// <summary>One DescribeNetworkInterfaces by id, as step "describe"; a reply without that interface is a failure.</summary>
    public static async ValueTask DescribeAsync(Ec2Api ec2, ScenarioContext context, Ec2Request describe, string id, FirstError errors) =>
        await context.StepAsync("describe", async token =>
        {
            var reply = await SendAsync(ec2, describe, errors, token).ConfigureAwait(false);
            if (!reply.IsOk)
            {
                return StepResult.Fail(reply.ErrorCode!);
            }

            if (!reply.Body.Contains(id, StringComparison.Ordinal))
            {
                errors.Offer("(wrong interface) " + describe.Body, -1, reply.Body);
                return StepResult.Fail("WrongInterface");
            }

            return StepResult.Ok;
        }).ConfigureAwait(false);

    /// <summary>Moves each worker's address between its own A and B with AllowReassignment.</summary>
    private async Task<(BenchStats, BenchStats?)> RunPingPongAsync(int concurrency, BenchLimits limits)
    {
        Ec2Request Request(Eni eni, string ip) => ec2.Prepare(
            "AssignPrivateIpAddresses", $"NetworkInterfaceId={eni.Id}&PrivateIpAddress.1={ip}&AllowReassignment=true");

        var toA = fixture.PairA.Select((a, w) => Request(a, fixture.PingPongIps[w])).ToArray();
        var toB = fixture.PairB.Select((b, w) => Request(b, fixture.PingPongIps[w])).ToArray();
        var errors = new FirstError();
        var run = await ClosedLoop.RunAsync(ReassignPingPong, concurrency, limits, async (w, context) =>
        {
            var request = towardsB[w] ? toB[w] : toA[w];
            towardsB[w] = !towardsB[w];
            await context.StepAsync("reassign", async token =>
            {
                var reply = await SendAsync(ec2, request, errors, token).ConfigureAwait(false);
                return reply.IsOk ? StepResult.Ok : StepResult.Fail(reply.ErrorCode!);
            }).ConfigureAwait(false);
        });
        return (BenchStats.Of(run, "reassign", errors, ClosedLoop.Unstepped(run)), null);
    }
}
