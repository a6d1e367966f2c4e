using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harness.Client;

/// <summary>
/// The harness's control API (<c>/_harness/…</c> on its EC2 port) for .NET: propagation, faults, instances and their
/// metadata, the timeline, registered clients, reset, and <see cref="WaitUntilConvergedAsync"/>. Every call sends the
/// control token when one is given and says <c>Content-Type: application/json</c> on every POST and PUT, as the
/// harness requires; a refusal is thrown as a <see cref="HarnessApiException"/> with the problem document's title and
/// detail.
/// </summary>
public sealed class HarnessClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly string? token;

    /// <param name="baseUrl">The harness's EC2 endpoint, e.g. <c>http://127.0.0.1:4580/</c>.</param>
    /// <param name="controlToken">The token <c>serve --control-token</c> asks for (or printed), if any.</param>
    /// <param name="http">An HttpClient to send with; one of its own (disposed with this) when not given.</param>
    public HarnessClient(Uri baseUrl, string? controlToken = null, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        token = controlToken;
        this.http = http ?? new HttpClient();
        ownsHttp = http is null;
    }

    public Uri BaseUrl { get; }

    /// <summary>Whether the harness answers its health check (<c>GET /_harness/health</c>) with 200.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellation = default)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Get, "health", null, cancellation).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Empties every region, forgets every instance's metadata and timeline, and restores the start settings.</summary>
    public Task ResetAsync(CancellationToken cancellation = default) => SendOkAsync(HttpMethod.Post, "reset", null, cancellation);

    public Task<PropagationSettings> GetPropagationAsync(CancellationToken cancellation = default) =>
        GetAsync<PropagationSettings>("propagation", cancellation);

    /// <summary>Changes the propagation settings for changes made from now on; answers with all of them.</summary>
    public async Task<PropagationSettings> SetPropagationAsync(PropagationUpdate update, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var body = new JsonObject();
        if (update.Imds is not null)
        {
            body["imds"] = update.Imds;
        }

        AddOverrides(body, "kinds", update.Kinds);
        AddOverrides(body, "instances", update.Instances);
        AddOverrides(body, "interfaces", update.Interfaces);
        if (update.Reorder is { } reorder)
        {
            body["reorder"] = reorder;
        }

        if (update.ForcedDetachStaysStale is { } stale)
        {
            body["forcedDetachStaysStale"] = stale;
        }

        using var response = await SendAsync(HttpMethod.Put, "propagation", body, cancellation).ConfigureAwait(false);
        return await ReadAsync<PropagationSettings>(response, cancellation).ConfigureAwait(false);
    }

    /// <summary>Sets the delay model of one instance's changes (<paramref name="model"/>, e.g. <c>never</c>), or removes it when null.</summary>
    public Task SetInstancePropagationAsync(string instanceId, string? model, CancellationToken cancellation = default) =>
        OverrideAsync("instances", instanceId, model, cancellation);

    /// <summary>Sets the delay model of one interface's changes, or removes it when null. An interface's model beats its instance's.</summary>
    public Task SetInterfacePropagationAsync(string networkInterfaceId, string? model, CancellationToken cancellation = default) =>
        OverrideAsync("interfaces", networkInterfaceId, model, cancellation);

    /// <summary>Applies every pending change now (<c>never</c> included); answers how many there were.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "propagation/flush", null, cancellation).ConfigureAwait(false);
        return (await ReadAsync<FlushReport>(response, cancellation).ConfigureAwait(false)).Applied;
    }

    public async Task<IReadOnlyList<InstanceInfo>> GetInstancesAsync(CancellationToken cancellation = default) =>
        (await GetAsync<InstanceList>("instances", cancellation).ConfigureAwait(false)).Instances;

    public Task<InstanceInfo> GetInstanceAsync(string instanceId, CancellationToken cancellation = default) =>
        GetAsync<InstanceInfo>("instances/" + Escape(instanceId), cancellation);

    /// <summary>The changes on their way to an instance's metadata.</summary>
    public async Task<IReadOnlyList<MetadataChange>> GetPendingAsync(string instanceId, CancellationToken cancellation = default) =>
        (await GetAsync<PendingList>($"instances/{Escape(instanceId)}/pending", cancellation).ConfigureAwait(false)).Pending;

    /// <summary>What an instance's metadata shows against what the API says.</summary>
    public Task<MetadataState> GetMetadataAsync(string instanceId, CancellationToken cancellation = default) =>
        GetAsync<MetadataState>($"instances/{Escape(instanceId)}/metadata", cancellation);

    /// <summary>One page of the timeline: changes after sequence <paramref name="after"/>, of one instance or of all.</summary>
    public Task<ChangePage> GetEventsAsync(string? instanceId = null, long after = 0, int limit = 1000, CancellationToken cancellation = default)
    {
        var query = $"events?after={after}&limit={limit}";
        return GetAsync<ChangePage>(instanceId is null ? query : query + "&instanceId=" + Escape(instanceId), cancellation);
    }

    /// <summary>Puts a fault in force (<paramref name="spec"/> as <c>docs/faults.md</c> writes them).</summary>
    public async Task<Fault> AddFaultAsync(string spec, string? name = null, CancellationToken cancellation = default)
    {
        var body = new JsonObject { ["spec"] = spec };
        if (name is not null)
        {
            body["name"] = name;
        }

        using var response = await SendAsync(HttpMethod.Post, "faults", body, cancellation).ConfigureAwait(false);
        return await ReadAsync<Fault>(response, cancellation).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Fault>> GetFaultsAsync(CancellationToken cancellation = default) =>
        (await GetAsync<FaultList>("faults", cancellation).ConfigureAwait(false)).Faults;

    /// <summary>Clears a fault; false when it was no longer in force.</summary>
    public Task<bool> ClearFaultAsync(string faultId, CancellationToken cancellation = default) =>
        DeleteAsync("faults/" + Escape(faultId), cancellation);

    /// <summary>Registers a program under test for an instance: it gets endpoints of its own, and every request it makes there is recorded.</summary>
    public async Task<RegisteredClient> RegisterClientAsync(string name, string instanceId, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "clients", new JsonObject { ["name"] = name, ["instanceId"] = instanceId }, cancellation)
            .ConfigureAwait(false);
        return await ReadAsync<RegisteredClient>(response, cancellation).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RegisteredClient>> GetClientsAsync(CancellationToken cancellation = default) =>
        (await GetAsync<ClientList>("clients", cancellation).ConfigureAwait(false)).Clients;

    /// <summary>A registered client and every request it made.</summary>
    public Task<ClientRecords> GetClientRecordsAsync(string clientId, CancellationToken cancellation = default) =>
        GetAsync<ClientRecords>("clients/" + Escape(clientId), cancellation);

    /// <summary>Marks a client's end (its process exited); answers when the harness marked it, on the harness's clock.</summary>
    public async Task<DateTimeOffset> EndClientAsync(string clientId, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"clients/{Escape(clientId)}/end", null, cancellation).ConfigureAwait(false);
        var client = await ReadAsync<RegisteredClient>(response, cancellation).ConfigureAwait(false);
        return client.EndedAt ?? throw new InvalidOperationException($"The harness did not mark {clientId}'s end.");
    }

    /// <summary>Forgets a client; false when it was not registered (a reset forgets them all).</summary>
    public Task<bool> ForgetClientAsync(string clientId, CancellationToken cancellation = default) =>
        DeleteAsync("clients/" + Escape(clientId), cancellation);

    /// <summary>
    /// Waits until the metadata of <paramref name="instanceId"/> (of every instance, when null) shows what the API says:
    /// in sync, nothing pending. Polls every <paramref name="pollInterval"/> (100 ms when not given); throws
    /// <see cref="TimeoutException"/> naming the instances still behind once <paramref name="timeout"/> (60 s) has passed.
    /// A change whose model is <c>never</c> never arrives: flush it, or expect the timeout.
    /// </summary>
    public async Task WaitUntilConvergedAsync(
        string? instanceId = null, TimeSpan? timeout = null, TimeSpan? pollInterval = null, CancellationToken cancellation = default)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(100);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(limit);
        IReadOnlyList<InstanceInfo> behind = [];
        try
        {
            while (true)
            {
                var instances = instanceId is null
                    ? await GetInstancesAsync(deadline.Token).ConfigureAwait(false)
                    : [await GetInstanceAsync(instanceId, deadline.Token).ConfigureAwait(false)];
                behind = [.. instances.Where(i => !i.InSync || i.PendingChanges > 0)];
                if (behind.Count == 0)
                {
                    return;
                }

                await Task.Delay(interval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            var names = string.Join(", ", behind.Take(10).Select(i => $"{i.InstanceId} ({i.PendingChanges} pending)"));
            throw new TimeoutException($"Metadata had not converged after {limit.TotalSeconds:0.###} s: {(names.Length == 0 ? "no answer yet" : names)}.");
        }
    }

    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
        }
    }

    private static void AddOverrides(JsonObject body, string name, IReadOnlyDictionary<string, string?>? overrides)
    {
        if (overrides is null)
        {
            return;
        }

        var map = new JsonObject();
        foreach (var (key, model) in overrides)
        {
            map[key] = model;
        }

        body[name] = map;
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private Task OverrideAsync(string scope, string id, string? model, CancellationToken cancellation) => model is null
        ? SendOkAsync(HttpMethod.Delete, $"propagation/{scope}/{Escape(id)}", null, cancellation)
        : SendOkAsync(HttpMethod.Put, $"propagation/{scope}/{Escape(id)}", new JsonObject { ["imds"] = model }, cancellation);

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellation).ConfigureAwait(false);
        return await ReadAsync<T>(response, cancellation).ConfigureAwait(false);
    }

    private async Task<bool> DeleteAsync(string path, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Delete, path, null, cancellation).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureAsync(response, cancellation).ConfigureAwait(false);
        return true;
    }

    private async Task SendOkAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellation)
    {
        using var response = await SendAsync(method, path, body, cancellation).ConfigureAwait(false);
        await EnsureAsync(response, cancellation).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, "_harness/" + path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        else if (method == HttpMethod.Post || method == HttpMethod.Put)
        {
            // A bodyless POST still says JSON: that is what keeps a browser from sending it cross-site without a preflight.
            request.Content = new StringContent("", null, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request, cancellation).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellation)
    {
        await EnsureAsync(response, cancellation).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellation).ConfigureAwait(false)
            ?? throw new HarnessApiException(
                response.RequestMessage!.Method.Method, response.RequestMessage.RequestUri!.AbsolutePath, response.StatusCode, null, "an empty body", "");
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        string? title = null;
        string? detail = null;
        try
        {
            if (JsonNode.Parse(body) is JsonObject problem)
            {
                title = problem["title"]?.GetValue<string>();
                detail = problem["detail"]?.GetValue<string>();
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, say): the body is kept as it came.
        }

        var request = response.RequestMessage!;
        throw new HarnessApiException(request.Method.Method, request.RequestUri!.AbsolutePath, response.StatusCode, title, detail, body);
    }

    private sealed record InstanceList(IReadOnlyList<InstanceInfo> Instances);

    private sealed record PendingList(string InstanceId, IReadOnlyList<MetadataChange> Pending);

    private sealed record FaultList(IReadOnlyList<Fault> Faults);

    private sealed record ClientList(IReadOnlyList<RegisteredClient> Clients);

    private sealed record FlushReport(int Applied);
}
