using System.Net;

namespace Harness.Imds.Tests.Fixtures;

/// <summary>A metadata reply, read whole: status, body, content type and the headers IMDS sets.</summary>
public sealed record ImdsReply(HttpStatusCode Status, string Body, string? ContentType, string? Server, string? Ttl)
{
    public static async Task<ImdsReply> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var ttl = response.Headers.TryGetValues(ImdsHeaders.Ttl, out var values) ? string.Join(",", values) : null;
        return new ImdsReply(
            response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, string.Join(" ", response.Headers.Server), ttl);
    }

    /// <summary>The body's lines (IMDS lists are LF-separated with no trailing newline).</summary>
    public string[] Lines => Body.Split('\n');
}
