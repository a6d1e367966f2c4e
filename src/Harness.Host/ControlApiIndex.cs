using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Harness.Host;

/// <summary>
/// <c>GET /_harness/</c>, the address the banner prints: every control endpoint with its method, path and what it is
/// for, read from the routes themselves so the list cannot fall behind them. JSON unless the caller prefers HTML.
/// </summary>
internal static class ControlApiIndex
{
    public static IResult Answer(HttpContext http, IEndpointRouteBuilder routes)
    {
        var entries = Entries(routes);
        return PrefersHtml(http.Request)
            ? TypedResults.Content(Html(entries), "text/html; charset=utf-8")
            : TypedResults.Ok(new IndexDocument("Control API of the harness; the EC2 Query API is served at /.", entries));
    }

    internal static IReadOnlyList<IndexEntry> Entries(IEndpointRouteBuilder routes) =>
    [
        .. routes.DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } path && path.StartsWith("/_harness", StringComparison.Ordinal) && !path.Contains("{**", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(method => new IndexEntry(
                method, Path(e.RoutePattern), e.Metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description ?? "")))
            .OrderBy(e => e.Path, StringComparer.Ordinal)
            .ThenBy(e => Array.IndexOf(MethodOrder, e.Method)),
    ];

    private static readonly string[] MethodOrder = ["GET", "POST", "PUT", "DELETE"];

    /// <summary>The group's prefix and the route joined as written, with the trailing slash the index itself has.</summary>
    private static string Path(RoutePattern pattern) => pattern.RawText!.Replace("//", "/", StringComparison.Ordinal);

    /// <summary>A browser asks for text/html first; curl sends */*, SDKs and scripts application/json: those get JSON.</summary>
    private static bool PrefersHtml(HttpRequest request)
    {
        double Quality(string mediaType) => request.GetTypedHeaders().Accept
            .Where(a => a.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1)
            .DefaultIfEmpty(0)
            .Max();
        return Quality("text/html") > Quality("application/json");
    }

    private static string Html(IReadOnlyList<IndexEntry> entries)
    {
        var html = new StringBuilder("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>harness control API</title>
            <style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}code{white-space:nowrap}</style></head>
            <body><h1>harness control API</h1>
            <p>The EC2 Query API is served at <code>/</code>. These answer JSON (errors as application/problem+json).</p>
            <table><tr><th>method</th><th>path</th><th>what it does</th></tr>

            """);
        foreach (var entry in entries)
        {
            html.Append("<tr><td><code>").Append(entry.Method).Append("</code></td><td><code>").Append(WebUtility.HtmlEncode(entry.Path))
                .Append("</code></td><td>").Append(WebUtility.HtmlEncode(entry.Description)).Append("</td></tr>\n");
        }

        return html.Append("</table></body></html>\n").ToString();
    }

    internal sealed record IndexDocument(string About, IReadOnlyList<IndexEntry> Endpoints);

    internal sealed record IndexEntry(string Method, string Path, string Description);
}
