using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Harness.Load.Http;

namespace Harness.Load.Workloads;

/// <summary>One EC2 Query reply: status, body, and the error code when it is an error.</summary>
public readonly record struct Ec2Reply(int Status, string Body, string? ErrorCode)
{
    public bool IsOk => ErrorCode is null;
}

/// <summary>
/// The workloads' EC2 client: the Query protocol with the dummy SigV4 header that both the harness and moto route on,
/// over the raw keep-alive client for a loopback http endpoint (HttpClient otherwise, and always for the control
/// API). Calls never throw for an EC2 error; the caller reads <see cref="Ec2Reply.ErrorCode"/>. Given several endpoints
/// (the processes of a harness cluster), it sends each EC2 call to the next one in turn; the control API is the first's.
/// </summary>
public sealed class Ec2Api : IDisposable
{
    // Neither the harness nor moto verifies signatures, but moto routes on the credential scope ("ec2").
    private const string Authorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000";

    private const string FormType = "application/x-www-form-urlencoded; charset=utf-8";

    private const string AmzDate = "20261204T000000Z";

    private readonly HttpClient http;
    private readonly HttpClient control;
    private readonly Leg[] legs;
    private long turn = -1;

    /// <param name="controlToken">The harness's control token (<c>harness-load --control-token</c>), sent on control API calls; null when it requires none.</param>
    public Ec2Api(Uri endpoint, int connections, string? controlToken = null)
        : this([endpoint], connections, controlToken)
    {
    }

    /// <summary>A client that spreads EC2 calls over <paramref name="endpoints"/> in turn (the raw client only when every one is loopback http).</summary>
    public Ec2Api(IReadOnlyList<Uri> endpoints, int connections, string? controlToken = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(endpoints.Count);
        Endpoint = endpoints[0];
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
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", Authorization);
        http.DefaultRequestHeaders.TryAddWithoutValidation("X-Amz-Date", AmzDate);

        // The control API's own client: its Authorization is the control token, not EC2's signature.
        control = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
        if (controlToken is not null)
        {
            control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", controlToken);
        }
    }

    /// <summary>The first endpoint: its control API is the one the run uses.</summary>
    public Uri Endpoint { get; }

    /// <summary>Every endpoint EC2 calls are spread over.</summary>
    public IReadOnlyList<Uri> Endpoints => [.. legs.Select(l => l.Endpoint)];

    /// <summary>
    /// The harness's control API, when the target is a harness: <c>/_harness/…</c> on the same port, with the control
    /// token when there is one. Its POSTs and PUTs must say <c>Content-Type: application/json</c> (<see cref="NoBody"/>).
    /// </summary>
    public HttpClient Http => control;

    /// <summary>The content of a bodyless control POST: empty, but JSON, as the harness requires.</summary>
    public static HttpContent NoBody() => new StringContent("", null, "application/json");

    public async Task<Ec2Reply> CallAsync(string action, string parameters, CancellationToken cancellation)
    {
        var body = $"Action={action}&Version=2016-11-15" + (parameters.Length > 0 ? "&" + parameters : "");
        int status;
        string text;
        var (endpoint, host, raw) = Next();
        if (raw is not null)
        {
            // As long as HttpClient would wait: a target that takes the connection and never answers must not hang the run.
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            limit.CancelAfter(http.Timeout);
            HttpReply reply;
            try
            {
                reply = await raw.SendAsync(
                    RawHttpClient.Post(host, endpoint.PathAndQuery, FormType, body, ("Authorization", Authorization), ("X-Amz-Date", AmzDate)), limit.Token)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"{endpoint} did not answer {action} within {http.Timeout.TotalSeconds:0} s");
            }

            (status, text) = (reply.Status, reply.BodyText);
        }
        else
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await http.PostAsync(endpoint, content, cancellation).ConfigureAwait(false);
            (status, text) = ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
        }

        return Reply(status, text);
    }

    private static Ec2Reply Reply(int status, string text)
    {
        string? code = null;
        if (status is < 200 or >= 300 || text.Contains("<Errors>", StringComparison.Ordinal))
        {
            code = First(text, "Code") ?? $"HTTP{status}";
        }

        return new Ec2Reply(status, text, code);
    }

    /// <summary>
    /// A call built once, to be sent as often as wanted with <see cref="SendAsync"/>: a benchmark's hot path then
    /// costs one send and one receive, with nothing serialized per call.
    /// </summary>
    public Ec2Request Prepare(string action, string parameters)
    {
        var body = $"Action={action}&Version=2016-11-15" + (parameters.Length > 0 ? "&" + parameters : "");
        var bytes = legs[0].Raw is null
            ? null
            : legs.Select(l => RawHttpClient.Post(l.Host, l.Endpoint.PathAndQuery, FormType, body, ("Authorization", Authorization), ("X-Amz-Date", AmzDate))).ToArray();
        return new Ec2Request(action, body, bytes);
    }

    /// <summary>
    /// Sends a prepared call. Unlike <see cref="CallAsync"/> it sets no time-out of its own: the caller's token
    /// bounds it (a load run's copies are stopped at the end of the drain). Transport failures are thrown.
    /// </summary>
    public async ValueTask<Ec2Reply> SendAsync(Ec2Request request, CancellationToken cancellation)
    {
        int status;
        string text;
        var index = NextIndex();
        var leg = legs[index];
        if (leg.Raw is not null && request.Bytes is { } bytes)
        {
            var reply = await leg.Raw.SendAsync(bytes[index], ReplyParts.All, cancellation).ConfigureAwait(false);
            (status, text) = (reply.Status, reply.BodyText);
        }
        else
        {
            using var content = new StringContent(request.Body, Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await http.PostAsync(leg.Endpoint, content, cancellation).ConfigureAwait(false);
            (status, text) = ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
        }

        return Reply(status, text);
    }

    /// <summary>For set-up: the call must succeed, or the run cannot begin.</summary>
    public async Task<XElement> RequireAsync(string action, string parameters, CancellationToken cancellation)
    {
        var reply = await CallAsync(action, parameters, cancellation).ConfigureAwait(false);
        if (!reply.IsOk)
        {
            throw new LoadSetupException($"{action} failed with {reply.ErrorCode} (HTTP {reply.Status}): {Trim(reply.Body)}");
        }

        return XElement.Parse(reply.Body);
    }

    /// <summary>The text of the first element named <paramref name="tag"/>: EC2 replies are flat, machine-written XML.</summary>
    public static string? First(string xml, string tag)
    {
        var open = "<" + tag + ">";
        var start = xml.IndexOf(open, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += open.Length;
        var end = xml.IndexOf("</" + tag + ">", start, StringComparison.Ordinal);
        return end < 0 ? null : xml[start..end];
    }

    /// <summary>Descendant elements by local name, whatever the namespace.</summary>
    public static IEnumerable<XElement> All(XElement root, string name) => root.Descendants().Where(e => e.Name.LocalName == name);

    public static string Value(XElement parent, string name) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value
        ?? throw new LoadSetupException($"<{name}> missing in {Trim(parent.ToString())}");

    public static string? ValueOrNull(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string Trim(string s) => s.Length <= 600 ? s : s[..600] + "…";

    public void Dispose()
    {
        foreach (var leg in legs)
        {
            leg.Raw?.Dispose();
        }

        http.Dispose();
        control.Dispose();
    }

    /// <summary>The address of an http endpoint the raw keep-alive client can take (named by IP, or localhost); null for any other.</summary>
    private static IPAddress? LoopbackAddress(Uri endpoint) =>
        endpoint.Scheme != Uri.UriSchemeHttp ? null
        : endpoint.Host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(endpoint.Host, out var parsed) ? parsed : null;

    /// <summary>The endpoint the next call goes to: each in turn (one endpoint: always it, at the cost of one increment).</summary>
    private int NextIndex() => legs.Length == 1 ? 0 : (int)((ulong)Interlocked.Increment(ref turn) % (ulong)legs.Length);

    private Leg Next() => legs[NextIndex()];

    private sealed record Leg(Uri Endpoint, string Host, RawHttpClient? Raw);
}

/// <summary>The target could not be set up for a run: the message says which call failed and how.</summary>
public sealed class LoadSetupException(string message) : Exception(message);
