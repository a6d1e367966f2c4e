using Microsoft.Net.Http.Headers;

namespace Harness.Host.Hardening;

/// <summary>
/// Keeps the control API from being driven by anyone but its user: a web page in the user's browser (cross-site
/// requests, DNS rebinding) or, with <c>--listen-any</c>, anyone on the network. For every path under
/// <c>/_harness/</c>, in this order:
/// <list type="number">
/// <item><c>/_harness/health</c> is open to all, for container health checks.</item>
/// <item>The Host must be one <see cref="ControlHosts"/> allows; otherwise 403.</item>
/// <item>A client's tapped EC2 or ECS endpoint (<c>/_harness/clients/{id}/ec2</c>, <c>…/ecs</c>) goes on: SDKs call it and cannot send a bearer token.</item>
/// <item>With a control token, <c>Authorization: Bearer &lt;token&gt;</c> is required; otherwise 401.</item>
/// <item>Every POST and PUT says <c>Content-Type: application/json</c>, even with no body; otherwise 415. A browser
/// cannot send that cross-site without a CORS preflight, which the harness never grants.</item>
/// </list>
/// Refusals are <c>application/problem+json</c>, as every other control API error.
/// </summary>
internal sealed class ControlApiGuard(ControlHosts hosts, ControlToken? token)
{
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (!http.Request.Path.StartsWithSegments("/_harness", StringComparison.OrdinalIgnoreCase, out var rest)
            || Is(rest, "health"))
        {
            await next(http);
            return;
        }

        if (!hosts.Allows(http.Request.Host))
        {
            await RefuseAsync(http, StatusCodes.Status403Forbidden, "Host not allowed",
                $"The control API answers Host names on loopback (localhost, 127.0.0.1, [::1]) or the one --public-url names, not '{http.Request.Host}'.");
            return;
        }

        if (IsTappedApi(rest))
        {
            await next(http);
            return;
        }

        if (token is not null && !token.Accepts(http.Request.Headers.Authorization))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await RefuseAsync(http, StatusCodes.Status401Unauthorized, "Control token required",
                "This harness's control API needs Authorization: Bearer <token>; the token is the one serve printed (--control-token, HARNESS_CONTROL_TOKEN).");
            return;
        }

        if ((HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method))
            && http.GetEndpoint()?.Metadata.GetMetadata<ChangesNothing>() is null
            && !IsJson(http.Request.ContentType))
        {
            await RefuseAsync(http, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json",
                $"{http.Request.Method} {http.Request.Path} takes Content-Type: application/json, even with no body, not '{http.Request.ContentType}'.");
            return;
        }

        await next(http);
    }

    /// <summary>Marks an endpoint that only answers 404 or 405: a wrong method or path is told so, whatever its content type.</summary>
    internal sealed class ChangesNothing
    {
        public static readonly ChangesNothing Instance = new();
    }

    private static bool Is(PathString rest, string segment) =>
        string.Equals(rest.Value?.Trim('/'), segment, StringComparison.OrdinalIgnoreCase);

    /// <summary><c>/clients/{id}/ec2</c> or <c>/clients/{id}/ecs</c> after <c>/_harness</c>.</summary>
    private static bool IsTappedApi(PathString rest)
    {
        var segments = (rest.Value ?? "").Trim('/').Split('/');
        return segments.Length == 3
            && segments[0].Equals("clients", StringComparison.OrdinalIgnoreCase)
            && (segments[2].Equals("ec2", StringComparison.OrdinalIgnoreCase) || segments[2].Equals("ecs", StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static Task RefuseAsync(HttpContext http, int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(http);
}
