using System.Globalization;
using System.Xml.Linq;
using Harness.Domain.Clouds;

namespace Harness.Load.Workloads;

/// <summary>
/// The workloads' EC2 client: the Query protocol with the dummy SigV4 header that both the harness and moto route on,
/// over the raw keep-alive client for a loopback http endpoint (HttpClient otherwise, and always for the control
/// API). Calls never throw for an EC2 error; the caller reads <see cref="ApiReply.ErrorCode"/>. Given several endpoints
/// (the processes of a harness cluster), it sends each EC2 call to the next one in turn; the control API is the first's.
/// </summary>
public sealed class Ec2Api : ICloudApi
{
    // Neither the harness nor moto verifies signatures, but moto routes on the credential scope ("ec2").
    private const string Authorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000";

    private const string AmzDate = "20261204T000000Z";

    private readonly FormTransport transport;
    private readonly HttpClient control;

    /// <param name="controlToken">The harness's control token (<c>harness-load --control-token</c>), sent on control API calls; null when it requires none.</param>
    public Ec2Api(Uri endpoint, int connections, string? controlToken = null)
        : this([endpoint], connections, controlToken)
    {
    }

    /// <summary>A client that spreads EC2 calls over <paramref name="endpoints"/> in turn (the raw client only when every one is loopback http).</summary>
    public Ec2Api(IReadOnlyList<Uri> endpoints, int connections, string? controlToken = null)
    {
        transport = new FormTransport(endpoints, connections, ("Authorization", Authorization), ("X-Amz-Date", AmzDate));
        Endpoint = endpoints[0];
        control = FormTransport.ControlClient(controlToken);
    }

    public Cloud Cloud => Cloud.Aws;

    public string Name => "EC2";

    /// <summary>The first endpoint: its control API is the one the run uses.</summary>
    public Uri Endpoint { get; }

    /// <summary>Every endpoint EC2 calls are spread over.</summary>
    public IReadOnlyList<Uri> Endpoints => transport.Endpoints;

    /// <summary>
    /// The harness's control API, when the target is a harness: <c>/_harness/…</c> on the same port, with the control
    /// token when there is one. Its POSTs and PUTs must say <c>Content-Type: application/json</c> (<see cref="NoBody"/>).
    /// </summary>
    public HttpClient Http => control;

    public Uri ControlEndpoint => Endpoint;

    public HttpClient Control => control;

    public MetadataDialect Metadata => MetadataDialect.Ec2;

    public bool ReassignsInOneCall => true;

    public bool LaunchesPending => false;

    /// <summary>The content of a bodyless control POST: empty, but JSON, as the harness requires.</summary>
    public static HttpContent NoBody() => new StringContent("", null, "application/json");

    public async Task<ApiReply> CallAsync(string action, string parameters, CancellationToken cancellation)
    {
        var (status, text) = await transport.PostAsync(action, Body(action, parameters), cancellation).ConfigureAwait(false);
        return Reply(status, text);
    }

    private static string Body(string action, string parameters) => $"Action={action}&Version=2016-11-15" + (parameters.Length > 0 ? "&" + parameters : "");

    private static ApiReply Reply(int status, string text)
    {
        string? code = null;
        if (status is < 200 or >= 300 || text.Contains("<Errors>", StringComparison.Ordinal))
        {
            code = First(text, "Code") ?? $"HTTP{status}";
        }

        return new ApiReply(status, text, code);
    }

    /// <summary>
    /// A call built once, to be sent as often as wanted with <see cref="SendAsync"/>: a benchmark's hot path then
    /// costs one send and one receive, with nothing serialized per call.
    /// </summary>
    public Ec2Request Prepare(string action, string parameters)
    {
        var body = Body(action, parameters);
        return new Ec2Request(action, body, transport.Prepare(body));
    }

    /// <summary>
    /// Sends a prepared call. Unlike <see cref="CallAsync"/> it sets no time-out of its own: the caller's token
    /// bounds it (a load run's copies are stopped at the end of the drain). Transport failures are thrown.
    /// </summary>
    public async ValueTask<ApiReply> SendAsync(Ec2Request request, CancellationToken cancellation)
    {
        var (status, text) = await transport.SendAsync(request.Body, request.Bytes, cancellation).ConfigureAwait(false);
        return Reply(status, text);
    }

    public Task<ApiReply> AssignAsync(string interfaceId, string ip, bool reassign, CancellationToken cancellation) =>
        CallAsync("AssignPrivateIpAddresses", $"NetworkInterfaceId={interfaceId}&PrivateIpAddress.1={ip}" + (reassign ? "&AllowReassignment=true" : ""), cancellation);

    public Task<ApiReply> UnassignAsync(string interfaceId, string ip, CancellationToken cancellation) =>
        CallAsync("UnassignPrivateIpAddresses", $"NetworkInterfaceId={interfaceId}&PrivateIpAddress.1={ip}", cancellation);

    public async Task<DescribeReply> DescribeInterfacesAsync(InterfaceQuery query, CancellationToken cancellation)
    {
        var parameters = query switch
        {
            InterfaceQuery.ById q => $"NetworkInterfaceId.1={q.InterfaceId}",
            InterfaceQuery.ByInstance q => $"Filter.1.Name=attachment.instance-id&Filter.1.Value.1={q.InstanceId}",
            InterfaceQuery.ByAddress q => $"Filter.1.Name=private-ip-address&Filter.1.Value.1={q.Ip}",
            InterfaceQuery.FirstPage q => string.Create(CultureInfo.InvariantCulture, $"MaxResults={q.Size}"),
            _ => throw new ArgumentOutOfRangeException(nameof(query)),
        };
        var reply = await CallAsync("DescribeNetworkInterfaces", parameters, cancellation).ConfigureAwait(false);
        return new DescribeReply(reply, reply.IsOk
            ? new DescribedInterfaces(Values(reply.Body, "networkInterfaceId"), Values(reply.Body, "instanceId"), Values(reply.Body, "privateIpAddress"))
            : null);
    }

    public async Task<LaunchReply> LaunchAsync(string subnetId, string instanceType, CancellationToken cancellation)
    {
        var reply = await CallAsync(
            "RunInstances", $"ImageId=ami-0abcdef1234567890&InstanceType={instanceType}&MinCount=1&MaxCount=1&SubnetId={subnetId}", cancellation)
            .ConfigureAwait(false);
        return new LaunchReply(reply, reply.IsOk ? First(reply.Body, "instanceId") : null);
    }

    /// <summary>EC2 terminates a pending instance as readily as a running one: nothing to wait for.</summary>
    public Task<ApiReply> WaitRunningAsync(string instanceId, CancellationToken cancellation) => Task.FromResult(new ApiReply(200, "", null));

    public Task<ApiReply> TerminateAsync(string instanceId, CancellationToken cancellation) =>
        CallAsync("TerminateInstances", $"InstanceId.1={instanceId}", cancellation);

    /// <summary>Every value of an element named <paramref name="tag"/>, in order: EC2 replies are flat, machine-written XML.</summary>
    internal static List<string> Values(string xml, string tag)
    {
        var (open, close) = ($"<{tag}>", $"</{tag}>");
        var values = new List<string>();
        for (var at = xml.IndexOf(open, StringComparison.Ordinal); at >= 0; at = xml.IndexOf(open, at, StringComparison.Ordinal))
        {
            var end = xml.IndexOf(close, at, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            values.Add(xml[(at + open.Length)..end]);
            at = end;
        }

        return values;
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

    internal static string Trim(string s) => s.Length <= 600 ? s : s[..600] + "…";

    public void Dispose()
    {
        transport.Dispose();
        control.Dispose();
    }
}

/// <summary>The target could not be set up for a run: the message says which call failed and how.</summary>
public sealed class LoadSetupException(string message) : Exception(message);
