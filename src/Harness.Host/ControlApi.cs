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

    private static ProblemHttpResult NotFound(HttpContext http) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found",
            detail: $"The control API has no {http.Request.Method} {http.Request.Path}.");

    internal sealed record HealthReport(string Status);
}
