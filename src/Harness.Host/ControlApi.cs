using Harness.ControlPlane;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Grains;
using Harness.Host.Hardening;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Harness.Host;

/// <summary>The control API under <c>/_harness/</c>. Its errors are <c>application/problem+json</c>.</summary>
internal static class ControlApi
{
    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/_harness");

        // In a cluster some calls go through the world grain or to the other processes: when they do not answer in
        // time, say so with 503 (try again), never 500.
        api.AddEndpointFilter(static async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception error) when (error is TimeoutException or OrleansException)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "The cluster did not answer in time", detail: error.Message);
            }
        });
        api.MapGet("/", (HttpContext http) => ControlApiIndex.Answer(http, endpoints))
            .WithDescription("This list of the control API's endpoints: JSON, or a page for a browser (Accept: text/html)");
        api.MapGet("/health", Health).WithDescription("Readiness: 200 {\"status\":\"ok\"} once the harness serves");
        api.MapGet("/cluster", Cluster).WithDescription("This process and every silo of its cluster, with their status and EC2 endpoints (one silo without serve --cluster)");
        api.MapPost("/reset", Reset).WithDescription("Empties every region, forgets every instance's metadata and timeline, restores the start settings");
        api.MapPropagationApi();
        api.MapInstancesApi();
        api.MapClientsApi();
        api.MapFaultsApi();
        // Not the default {*path:nonfile}: a path that looks like a file name must get a problem too.
        api.MapFallback("{**path}", Fallback).WithMetadata(ControlApiGuard.ChangesNothing.Instance);
        return endpoints;
    }

    private static Ok<HealthReport> Health() => TypedResults.Ok(new HealthReport("ok"));

    /// <summary>Empties the world: this process's, or in a cluster every process's (all gates closed first).</summary>
    private static async Task<NoContent> Reset(ControlPlaneReset reset)
    {
        await reset.ResetAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ClusterAnswer>> Cluster(ClusterMembers members, GrainCallCounts calls)
    {
        var report = await members.ReportAsync();
        return TypedResults.Ok(new ClusterAnswer(
            report.ClusterId, report.Self, report.Silos, report.State, members.Mode.IsCluster ? ClusterNotes(members.Mode.IsDurable) : [],
            members.Mode.IsCluster ? new GrainCalls(calls.Received, calls.FromOtherProcesses) : null));
    }

    /// <summary>What a cluster of processes does not share yet (the cluster issue lands in steps): said, not hidden.</summary>
    internal static string[] ClusterNotes(bool durable) => durable ? [PerProcess] : [InMemory, PerProcess];

    private const string InMemory =
        "state is in memory: a dead silo's grains lose theirs, while the other processes still list their resources (--state redis://… keeps it)";

    internal const string PerProcess =
        "per process still: the timeline (/_harness/events), each fault's throttle buckets and counts, and a client's records (kept on the process it is registered on; any process lists and shows them)";

    /// <summary>Paths the control API serves, with their methods, so a wrong method gets 405 rather than 404.</summary>
    private static readonly Dictionary<string, string> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/_harness"] = "GET",
        ["/_harness/health"] = "GET",
        ["/_harness/cluster"] = "GET",
        ["/_harness/reset"] = "POST",
        ["/_harness/propagation"] = "GET, PUT",
        ["/_harness/propagation/flush"] = "POST",
        ["/_harness/instances"] = "GET",
        ["/_harness/events"] = "GET",
        ["/_harness/clients"] = "GET, POST",
        ["/_harness/faults"] = "GET, POST, DELETE",
        ["/_harness/faults/events"] = "GET",
    };

    /// <summary>Paths with an id in them, matched by prefix and depth: the methods they take.</summary>
    private static readonly (string Prefix, int Depth, string Methods)[] Templates =
    [
        ("/_harness/propagation/instances/", 4, "PUT, DELETE"),
        ("/_harness/propagation/interfaces/", 4, "PUT, DELETE"),
        ("/_harness/instances/", 3, "GET"),
        ("/_harness/instances/", 4, "GET"),
        ("/_harness/clients/", 3, "GET, DELETE"),
        ("/_harness/clients/", 4, "GET, POST"),
        ("/_harness/faults/", 3, "GET, DELETE"),
    ];

    /// <summary>A spec's error with the spec below it and a caret under the offending position.</summary>
    internal static string Pointed(string message, string text, int position) => $"{message}\n  {text}\n  {new string(' ', position)}^";

    internal static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    internal static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    private static ProblemHttpResult Fallback(HttpContext http)
    {
        var path = (http.Request.Path.Value ?? "").TrimEnd('/');
        var depth = path.Count(c => c == '/');
        var allowed = Methods.GetValueOrDefault(path)
            ?? Templates.Where(t => path.StartsWith(t.Prefix, StringComparison.Ordinal) && t.Depth == depth).Select(t => t.Methods).FirstOrDefault();
        if (allowed is not null && !allowed.Split(", ").Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            http.Response.Headers.Allow = allowed;
            return TypedResults.Problem(
                statusCode: StatusCodes.Status405MethodNotAllowed,
                title: "Method not allowed",
                detail: $"{http.Request.Path} takes {allowed}, not {http.Request.Method}.");
        }

        return NotFound($"The control API has no {http.Request.Method} {http.Request.Path}.");
    }

    internal sealed record HealthReport(string Status);

    /// <param name="GrainCalls">In a cluster: the calls the harness's grains received on this process since it started, and
    /// how many of them came from another process.</param>
    internal sealed record ClusterAnswer(
        string ClusterId, ProcessRecord? Self, IReadOnlyList<SiloReport> Silos, string State, IReadOnlyList<string> Notes, GrainCalls? GrainCalls);

    internal sealed record GrainCalls(long Received, long FromOtherProcesses);
}
