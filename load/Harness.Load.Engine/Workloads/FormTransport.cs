using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Harness.Load.Http;

namespace Harness.Load.Workloads;

/// <summary>
/// What the EC2 and the ECS clients share: form POSTs to one endpoint, or to several in turn (the processes of a harness
/// cluster), over the raw keep-alive client when every endpoint is loopback http and over HttpClient otherwise, with the
/// client's own fixed headers on every request. It answers status and text; each client reads its own replies.
/// </summary>
internal sealed class FormTransport : IDisposable
{
    private const string FormType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly HttpClient http;
    private readonly Leg[] legs;
    private readonly (string Name, string Value)[] headers;
    private long turn = -1;

    public FormTransport(IReadOnlyList<Uri> endpoints, int connections, params (string Name, string Value)[] headers)
    {
        ArgumentOutOfRangeException.ThrowIfZero(endpoints.Count);
        this.headers = headers;
        // One transport for all, so that a prepared request is the same whichever endpoint it goes to.
        var raw = endpoints.All(e => LoopbackAddress(e) is not null);
        legs = [.. endpoints.Select(e => new Leg(e, e.Authority, raw ? new RawHttpClient(new IPEndPoint(LoopbackAddress(e)!, e.Port)) : null))];
        http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        foreach (var (name, value) in headers)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>Every endpoint calls are spread over.</summary>
    public IReadOnlyList<Uri> Endpoints => [.. legs.Select(l => l.Endpoint)];

    /// <summary>
    /// Posts <paramref name="body"/> to the next endpoint. A target that takes the connection and never answers fails
    /// with a <see cref="TimeoutException"/> naming <paramref name="action"/> after as long as HttpClient would wait.
    /// </summary>
    public async Task<(int Status, string Text)> PostAsync(string action, string body, CancellationToken cancellation)
    {
        var (endpoint, host, raw) = legs[NextIndex()];
        if (raw is null)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await http.PostAsync(endpoint, content, cancellation).ConfigureAwait(false);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(http.Timeout);
        try
        {
            var reply = await raw.SendAsync(RawHttpClient.Post(host, endpoint.PathAndQuery, FormType, body, headers), limit.Token).ConfigureAwait(false);
            return (reply.Status, reply.BodyText);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"{endpoint} did not answer {action} within {http.Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The whole request for each endpoint (their Host headers differ), or null when calls go over HttpClient.</summary>
    public byte[][]? Prepare(string body) =>
        legs[0].Raw is null ? null : [.. legs.Select(l => RawHttpClient.Post(l.Host, l.Endpoint.PathAndQuery, FormType, body, headers))];

    /// <summary>Sends a request <see cref="Prepare"/> built, with no time-out of its own: the caller's token bounds it.</summary>
    public async ValueTask<(int Status, string Text)> SendAsync(string body, byte[][]? prepared, CancellationToken cancellation)
    {
        var index = NextIndex();
        var leg = legs[index];
        if (leg.Raw is not null && prepared is not null)
        {
            var reply = await leg.Raw.SendAsync(prepared[index], ReplyParts.All, cancellation).ConfigureAwait(false);
            return (reply.Status, reply.BodyText);
        }

        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await http.PostAsync(leg.Endpoint, content, cancellation).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
    }

    /// <summary>
    /// A client for the harness's control API (<c>/_harness/…</c>): its Authorization is the control token, when there is
    /// one, never a cloud's signature.
    /// </summary>
    public static HttpClient ControlClient(string? controlToken)
    {
        var control = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
        if (controlToken is not null)
        {
            control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", controlToken);
        }

        return control;
    }

    public void Dispose()
    {
        foreach (var leg in legs)
        {
            leg.Raw?.Dispose();
        }

        http.Dispose();
    }

    /// <summary>The address of an http endpoint the raw keep-alive client can take (named by IP, or localhost); null for any other.</summary>
    private static IPAddress? LoopbackAddress(Uri endpoint) =>
        endpoint.Scheme != Uri.UriSchemeHttp ? null
        : endpoint.Host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(endpoint.Host, out var parsed) ? parsed : null;

    /// <summary>The endpoint the next call goes to: each in turn (one endpoint: always it, at the cost of one increment).</summary>
    private int NextIndex() => legs.Length == 1 ? 0 : (int)((ulong)Interlocked.Increment(ref turn) % (ulong)legs.Length);

    private sealed record Leg(Uri Endpoint, string Host, RawHttpClient? Raw);
}
