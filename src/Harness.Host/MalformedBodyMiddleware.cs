namespace Harness.Host;

/// <summary>
/// Kestrel reports a chunk size too large to parse as a plain IOException rather than its BadHttpRequestException, so
/// a control API handler reading JSON would answer 500. The client sent a malformed body: answer 400.
/// </summary>
internal static class MalformedBodyMiddleware
{
    public static IApplicationBuilder UseMalformedBodyAs400(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        try
        {
            await next(http);
        }
        catch (IOException error) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            http.Response.Clear();
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("The request body is malformed: " + error.Message);
        }
    });
}
