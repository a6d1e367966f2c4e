using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Domain.Clouds;

namespace Harness.Load.Workloads;

/// <summary>
/// The workloads' Alibaba Cloud client: the ECS (2014-05-26) and VPC (2016-04-28) RPC APIs as a harness serves them
/// (<c>serve --ecs-port</c>), every call a form POST of <c>Action=…&amp;Version=…&amp;Format=JSON&amp;RegionId=…</c> and
/// its parameters, unsigned (the harness reads signatures but does not verify them), over the same transport as
/// <see cref="Ec2Api"/>. Error replies carry Alibaba's <c>Code</c> in their JSON body. The control API is the harness's
/// EC2 port, which serves it for both clouds.
/// </summary>
public sealed class EcsApi : ICloudApi
{
    /// <summary>The region a fleet is built in unless the run names another (<see cref="TopologyOptions.AlibabaRegion"/>).</summary>
    public const string DefaultRegion = "cn-hangzhou";

    public const string EcsVersion = "2014-05-26";

    public const string VpcVersion = "2016-04-28";

    /// <summary>How often waits for an asynchronous state poll (one Describe per 100 resources waited for).</summary>
    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(100);

    private readonly FormTransport transport;
    private readonly HttpClient control;

    /// <summary>The security group of each vSwitch the set-up made: ECS wants one with every launch and ENI.</summary>
    private readonly ConcurrentDictionary<string, string> groups = new(StringComparer.Ordinal);

    /// <param name="endpoint">The ECS API's base URL (<c>serve --ecs-port</c>).</param>
    /// <param name="controlEndpoint">The harness's control API: its EC2 port.</param>
    /// <param name="controlToken">The harness's control token, sent on control API calls; null when it requires none.</param>
    /// <param name="region">The Alibaba region every call names (<c>RegionId</c>).</param>
    public EcsApi(Uri endpoint, Uri controlEndpoint, int connections, TimeProvider time, string? controlToken = null, string region = DefaultRegion)
    {
        Region = region;
        transport = new FormTransport([endpoint], connections);
        control = FormTransport.ControlClient(controlToken);
        ControlEndpoint = controlEndpoint;
        Instances = new StatusWaiter(InstanceStatusesAsync, SettlePoll, time);
        Interfaces = new StatusWaiter(InterfaceStatusesAsync, SettlePoll, time);
    }

    /// <summary>The region every call names and the fleet is built in.</summary>
    public string Region { get; }

    public Cloud Cloud => Cloud.Alibaba;

    public string Name => "Alibaba Cloud ECS";

    public IReadOnlyList<Uri> Endpoints => transport.Endpoints;

    public Uri ControlEndpoint { get; }

    public HttpClient Control => control;

    public MetadataDialect Metadata => MetadataDialect.Alibaba;

    public bool ReassignsInOneCall => false;

    public bool LaunchesPending => true;

    /// <summary>Waits for instances' states (DescribeInstances, 100 ids a call).</summary>
    internal StatusWaiter Instances { get; }

    /// <summary>Waits for ENIs' states (DescribeNetworkInterfaces, 100 ids a call).</summary>
    internal StatusWaiter Interfaces { get; }

    /// <summary>Calls <paramref name="action"/> in whichever API serves it; <paramref name="parameters"/> are URL-encoded already.</summary>
    public async Task<ApiReply> CallAsync(string action, string parameters, CancellationToken cancellation)
    {
        var version = action is "CreateVpc" or "DescribeVpcs" or "CreateVSwitch" or "DescribeVSwitches" ? VpcVersion : EcsVersion;
        var body = $"Action={action}&Version={version}&Format=JSON&RegionId={Region}" + (parameters.Length > 0 ? "&" + parameters : "");
        var (status, text) = await transport.PostAsync(action, body, cancellation).ConfigureAwait(false);
        return new ApiReply(status, text, status is >= 200 and < 300 ? null : ErrorCode(status, text));
    }

    /// <summary>For set-up: the call must succeed, or the run cannot begin.</summary>
    public async Task<JsonNode> RequireAsync(string action, string parameters, CancellationToken cancellation)
    {
        var reply = await CallAsync(action, parameters, cancellation).ConfigureAwait(false);
        return reply.IsOk && JsonNode.Parse(reply.Body) is JsonObject body
            ? body
            : throw new LoadSetupException($"{action} failed with {reply.ErrorCode ?? "a reply that is not a JSON object"} (HTTP {reply.Status}): {Ec2Api.Trim(reply.Body)}");
    }

    /// <summary>Parameters as a form body: each value URL-encoded.</summary>
    public static string Form(params (string Name, string Value)[] parameters) =>
        string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>A string a set-up reply must have.</summary>
    public static string Text(JsonNode node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new LoadSetupException($"\"{name}\" missing in {Ec2Api.Trim(node.ToJsonString())}");

    /// <summary>The items of one of Alibaba's wrapped lists: <c>{"NetworkInterfaceSets": {"NetworkInterfaceSet": [...]}}</c>.</summary>
    public static IEnumerable<JsonNode> Items(JsonNode node, string set, string item) =>
        node[set]?[item] is JsonArray array ? array.OfType<JsonNode>() : [];

    /// <summary>Tells later launches and ENIs in <paramref name="vSwitchId"/> which security group to name.</summary>
    public void NoteSecurityGroup(string vSwitchId, string groupId) => groups[vSwitchId] = groupId;

    public string SecurityGroupOf(string vSwitchId) =>
        groups.TryGetValue(vSwitchId, out var group) ? group : throw new InvalidOperationException($"no security group is known for {vSwitchId}");

    public Task<ApiReply> AssignAsync(string interfaceId, string ip, bool reassign, CancellationToken cancellation) => reassign
        ? throw new NotSupportedException("Alibaba has no AllowReassignment: unassign the address from its holder first")
        : CallAsync("AssignPrivateIpAddresses", $"NetworkInterfaceId={interfaceId}&PrivateIpAddress.1={ip}", cancellation);

    public Task<ApiReply> UnassignAsync(string interfaceId, string ip, CancellationToken cancellation) =>
        CallAsync("UnassignPrivateIpAddresses", $"NetworkInterfaceId={interfaceId}&PrivateIpAddress.1={ip}", cancellation);

    public async Task<DescribeReply> DescribeInterfacesAsync(InterfaceQuery query, CancellationToken cancellation)
    {
        var parameters = query switch
        {
            InterfaceQuery.ById q => $"NetworkInterfaceId.1={q.InterfaceId}",
            // Pages are 10 by default: an instance's ENIs all fit in one of 100.
            InterfaceQuery.ByInstance q => $"InstanceId={q.InstanceId}&PageSize=100",
            InterfaceQuery.ByAddress q => $"PrivateIpAddress.1={q.Ip}",
            InterfaceQuery.FirstPage q => string.Create(CultureInfo.InvariantCulture, $"MaxResults={q.Size}"),
            _ => throw new ArgumentOutOfRangeException(nameof(query)),
        };
        var reply = await CallAsync("DescribeNetworkInterfaces", parameters, cancellation).ConfigureAwait(false);
        if (!reply.IsOk)
        {
            return new DescribeReply(reply, null);
        }

        return ReadInterfaces(reply.Body) is { } found ? new DescribeReply(reply, found) : new DescribeReply(reply with { ErrorCode = "MalformedReply" }, null);
    }

    public async Task<LaunchReply> LaunchAsync(string subnetId, string instanceType, CancellationToken cancellation)
    {
        var reply = await CallAsync(
            "RunInstances", $"Amount=1&InstanceType={instanceType}&VSwitchId={subnetId}&SecurityGroupId={SecurityGroupOf(subnetId)}", cancellation)
            .ConfigureAwait(false);
        if (!reply.IsOk)
        {
            return new LaunchReply(reply, null);
        }

        var id = JsonNode.Parse(reply.Body)?["InstanceIdSets"]?["InstanceIdSet"]?[0] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        return new LaunchReply(reply, id);
    }

    /// <summary>An instance is Pending after RunInstances and cannot be deleted until it is Running.</summary>
    public async Task<ApiReply> WaitRunningAsync(string instanceId, CancellationToken cancellation)
    {
        await Instances.WaitAsync(instanceId, "Running", cancellation).ConfigureAwait(false);
        return new ApiReply(200, "", null);
    }

    /// <summary>DeleteInstance with <c>Force=true</c>: the harness, as Alibaba, deletes a Running instance only when forced.</summary>
    public Task<ApiReply> TerminateAsync(string instanceId, CancellationToken cancellation) =>
        CallAsync("DeleteInstance", $"InstanceId={instanceId}&Force=true", cancellation);

    /// <summary>What a DescribeNetworkInterfaces reply lists; null when it is not the reply's shape.</summary>
    internal static DescribedInterfaces? ReadInterfaces(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var (ids, instances, addresses) = (new List<string>(), new List<string>(), new List<string>());
            foreach (var eni in document.RootElement.GetProperty("NetworkInterfaceSets").GetProperty("NetworkInterfaceSet").EnumerateArray())
            {
                ids.Add(eni.GetProperty("NetworkInterfaceId").GetString()!);
                if (eni.GetProperty("InstanceId").GetString() is { Length: > 0 } instance)
                {
                    instances.Add(instance);
                }

                foreach (var ip in eni.GetProperty("PrivateIpSets").GetProperty("PrivateIpSet").EnumerateArray())
                {
                    addresses.Add(ip.GetProperty("PrivateIpAddress").GetString()!);
                }
            }

            return new DescribedInterfaces(ids, instances, addresses);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string ErrorCode(int status, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("Code", out var code)
                && code.GetString() is { Length: > 0 } value)
            {
                return value;
            }
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
        }

        return string.Create(CultureInfo.InvariantCulture, $"HTTP{status}");
    }

    private async Task<IReadOnlyDictionary<string, string>?> InstanceStatusesAsync(IReadOnlyList<string> ids, CancellationToken cancellation)
    {
        var reply = await CallAsync(
            "DescribeInstances", $"InstanceIds={Uri.EscapeDataString(JsonSerializer.Serialize(ids))}&PageSize={StatusWaiter.Batch}", cancellation)
            .ConfigureAwait(false);
        return Statuses(reply, "Instances", "Instance", "InstanceId");
    }

    private async Task<IReadOnlyDictionary<string, string>?> InterfaceStatusesAsync(IReadOnlyList<string> ids, CancellationToken cancellation)
    {
        var reply = await CallAsync(
            "DescribeNetworkInterfaces", string.Join('&', ids.Select((id, i) => $"NetworkInterfaceId.{i + 1}={id}")) + $"&PageSize={StatusWaiter.Batch}", cancellation)
            .ConfigureAwait(false);
        return Statuses(reply, "NetworkInterfaceSets", "NetworkInterfaceSet", "NetworkInterfaceId");
    }

    /// <summary>
    /// Each listed resource's <c>Status</c> by id; null for an error reply (a throttle, a fault) or one that is not the
    /// listing it should be (cut short), to be tried again at the next poll.
    /// </summary>
    internal static Dictionary<string, string>? Statuses(ApiReply reply, string set, string item, string idName)
    {
        try
        {
            return reply.IsOk && JsonNode.Parse(reply.Body) is { } body
                ? Items(body, set, item).ToDictionary(n => Text(n, idName), n => Text(n, "Status"), StringComparer.Ordinal)
                : null;
        }
        catch (Exception error) when (error is JsonException or LoadSetupException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        Instances.Dispose();
        Interfaces.Dispose();
        transport.Dispose();
        control.Dispose();
    }
}
