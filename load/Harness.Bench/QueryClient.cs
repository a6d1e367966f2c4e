using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Harness.Bench;

/// <summary>One EC2 Query-protocol response: the HTTP status and the raw XML body.</summary>
internal readonly record struct QueryResponse(int Status, string Body)
{
    /// <summary>EC2 reports failures as a non-2xx status with an &lt;Errors&gt; document.</summary>
    public bool IsError => Status is < 200 or >= 300 || Body.Contains("<Errors>", StringComparison.Ordinal);
}

/// <summary>
/// A compiled Query-protocol client. Everything that does not change per request
/// (headers, content type) is built once so the client stays cheap next to the server.
/// </summary>
internal sealed class QueryClient : IDisposable
{
    // Neither moto nor the harness verifies signatures, but moto routes on the
    // credential scope ("ec2") and answers as S3 without it.
    private const string Authorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000";

    private const string AmzDate = "20261121T000000Z";

    private static readonly MediaTypeHeaderValue FormContentType =
        MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-8");

    private readonly HttpClient _http;
    private readonly Uri _target;
    private readonly bool _raw;

    // Closed-loop workers each take a connection and return it, so the pool settles at one per worker.
    private readonly ConcurrentQueue<RawHttpConnection> _idle = new();

    public QueryClient(Uri target, int maxConnections, bool raw = true)
    {
        _target = target;
        _raw = raw;
        var handler = new SocketsHttpHandler
        {
            // One kept-alive connection per worker: connection setup must not show up in latency.
            MaxConnectionsPerServer = Math.Max(maxConnections, 1),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
        };
        _http = new HttpClient(handler)
        {
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public Uri Target => _target;

    /// <summary>Sends "Action=...&amp;Version=2016-11-15&amp;{parameters}"; parameters must already be URL-encoded.</summary>
    public Task<QueryResponse> SendAsync(string action, string parameters, CancellationToken ct = default) =>
        SendRawAsync(BuildBody(action, parameters), ct);

    public static byte[] BuildBody(string action, string parameters) =>
        Encoding.UTF8.GetBytes(parameters.Length == 0
            ? $"Action={action}&Version=2016-11-15"
            : $"Action={action}&Version=2016-11-15&{parameters}");

    public async Task<QueryResponse> SendRawAsync(byte[] body, CancellationToken ct = default)
    {
        if (!_raw)
        {
            return await SendHttpClientAsync(body, ct);
        }

        if (!_idle.TryDequeue(out var connection))
        {
            connection = new RawHttpConnection(_target, RawHeaders);
        }

        try
        {
            return connection.Send(body);
        }
        finally
        {
            _idle.Enqueue(connection);
        }
    }

    private const string RawHeaders =
        "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\nAuthorization: " + Authorization +
        "\r\nX-Amz-Date: " + AmzDate + "\r\n";

    private async Task<QueryResponse> SendHttpClientAsync(byte[] body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _target);
        request.Headers.TryAddWithoutValidation("Authorization", Authorization);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", AmzDate);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = FormContentType;
        request.Content = content;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return new QueryResponse((int)response.StatusCode, text);
    }

    /// <summary>Setup calls must succeed; a failure there makes every later figure meaningless.</summary>
    public async Task<string> RequireAsync(string action, string parameters)
    {
        var response = await SendAsync(action, parameters);
        if (response.IsError)
        {
            throw new BenchFailure(action, parameters, response);
        }

        return response.Body;
    }

    public void Dispose()
    {
        _http.Dispose();
        while (_idle.TryDequeue(out var connection))
        {
            connection.Dispose();
        }
    }
}

/// <summary>A setup request the server refused; carries the exact exchange for the report.</summary>
internal sealed class BenchFailure(string action, string parameters, QueryResponse response)
    : Exception($"{action} failed: HTTP {response.Status}\nrequest: Action={action}&Version=2016-11-15&{parameters}\nresponse: {Truncate(response.Body)}")
{
    public string Request { get; } = $"Action={action}&Version=2016-11-15&{parameters}";

    public QueryResponse Response { get; } = response;

    private static string Truncate(string s) => s.Length <= 2000 ? s : s[..2000] + "...";
}
