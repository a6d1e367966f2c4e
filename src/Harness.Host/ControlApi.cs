using Harness.ControlPlane;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Harness.Host;

/// <summary>The control API under <c>/_harness/</c>. Its errors are <c>application/problem+json</c>.</summary>
internal static class ControlApi
{
    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/_harness");
        api.MapGet("/health", Health);
        api.MapPost("/reset", Reset);
        api.MapFallback(NotFound);
        return endpoints;
    }

    private static Ok<HealthReport> Health() => TypedResults.Ok(new HealthReport("ok"));

    private static NoContent Reset(ControlPlaneReset reset)
    {
        reset.Reset();
        return TypedResults.NoContent();
    }

    /// <summary>Paths the control API serves, with their methods, so a wrong method gets 405 rather than 404.</summary>
    private static readonly Dictionary<string, string> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/_harness/health"] = "GET",
        ["/_harness/reset"] = "POST",
    };

    private static ProblemHttpResult NotFound(HttpContext http)
    {
        if (Methods.TryGetValue(http.Request.Path.Value ?? "", out var allowed))
        {
            http.Response.Headers.Allow = allowed;
            return TypedResults.Problem(
                statusCode: StatusCodes.Status405MethodNotAllowed,
                title: "Method not allowed",
                detail: $"{http.Request.Path} takes {allowed}, not {http.Request.Method}.");
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found",
            detail: $"The control API has no {http.Request.Method} {http.Request.Path}.");
    }

    internal sealed record HealthReport(string Status);
}
