using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harness.Scenarios.Running;

/// <summary>
/// The harness's control API (<c>/_harness/…</c>), as much of it as scenarios use. Every call carries the control
/// token when there is one, and every POST and PUT says <c>Content-Type: application/json</c>, even with no body, as
/// the harness requires.
/// </summary>
internal sealed class ControlClient(HttpClient http, Uri baseUrl, string? token = null)
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public async Task CheckHealthAsync(CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Get, "health", null, cancellation);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{Url("health")} answered {(int)response.StatusCode}; is this a harness?");
        }
    }

    public Task PutPropagationAsync(JsonObject settings, CancellationToken cancellation) => SendOkAsync(HttpMethod.Put, "propagation", settings, cancellation);

    /// <summary>Sets (or, with a null spec, removes) an override for one instance or interface (<paramref name="scope"/> instances or interfaces).</summary>
    public Task OverrideAsync(string scope, string id, string? spec, CancellationToken cancellation) => spec is null
        ? SendOkAsync(HttpMethod.Delete, $"propagation/{scope}/{id}", null, cancellation)
        : SendOkAsync(HttpMethod.Put, $"propagation/{scope}/{id}", new JsonObject { ["imds"] = spec }, cancellation);

    public Task FlushAsync(CancellationToken cancellation) => SendOkAsync(HttpMethod.Post, "propagation/flush", null, cancellation);

    public async Task<string> PropagationModelAsync(CancellationToken cancellation) =>
        (await PropagationAsync(cancellation)).Imds;

    public async Task<PropagationDocument> PropagationAsync(CancellationToken cancellation) =>
        await GetAsync<PropagationDocument>("propagation", cancellation) ?? throw new HttpRequestException("GET /_harness/propagation answered nothing.");

    public Task<MetadataDocument?> MetadataAsync(string instanceId, CancellationToken cancellation) =>
        GetAsync<MetadataDocument>($"instances/{instanceId}/metadata", cancellation);

    public Task<InstanceDocument?> InstanceAsync(string instanceId, CancellationToken cancellation) =>
        GetAsync<InstanceDocument>($"instances/{instanceId}", cancellation);

    public async Task<long> LastEventAsync(CancellationToken cancellation) =>
        (await GetAsync<EventPage>("events?limit=1&after=" + long.MaxValue, cancellation))?.LastSequence ?? 0;

    /// <summary>Every event after <paramref name="after"/>, page by page.</summary>
    public Task<(List<EventDocument> Events, long Dropped)> EventsAfterAsync(long after, CancellationToken cancellation) =>
        PagesAfterAsync<EventDocument>(
            "events", after, int.MaxValue,
            async path => await GetAsync<EventPage>(path, cancellation) is { } page ? (page.Events, page.Dropped) : null,
            e => e.Sequence);

    public async Task<ClientDocument> RegisterClientAsync(string name, string instanceId, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Post, "clients", new JsonObject { ["name"] = name, ["instanceId"] = instanceId }, cancellation);
        await EnsureAsync(response, cancellation);
        return (await response.Content.ReadFromJsonAsync<ClientDocument>(Json, cancellation))!;
    }

    /// <summary>Marks a client's end (its process was seen to exit); answers when the harness marked it, on its clock.</summary>
    public async Task<DateTimeOffset> EndClientAsync(string clientId, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Post, $"clients/{clientId}/end", null, cancellation);
        await EnsureAsync(response, cancellation);
        return (await response.Content.ReadFromJsonAsync<ClientDocument>(Json, cancellation))!.EndedAt
            ?? throw new InvalidOperationException($"the harness did not mark {clientId}'s end");
    }

    /// <summary>Unregisters a client; false when it was no longer registered (a reset forgets them all).</summary>
    public async Task<bool> DeleteClientAsync(string clientId, CancellationToken cancellation)
    {
        using var response = await http.DeleteAsync(Url($"clients/{clientId}"), cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureAsync(response, cancellation);
        return true;
    }

    public async Task<ClientRecords> ClientRecordsAsync(string clientId, CancellationToken cancellation) =>
        (await GetAsync<ClientRecords>($"clients/{clientId}", cancellation))!;

    /// <summary>Puts a fault in force; returns its id.</summary>
    public async Task<string> AddFaultAsync(string spec, string? name, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Post, "faults", new JsonObject { ["spec"] = spec, ["name"] = name }, cancellation);
        await EnsureAsync(response, cancellation);
        return (await response.Content.ReadFromJsonAsync<FaultDocument>(Json, cancellation))!.Id;
    }

    /// <summary>Clears a fault; false when it was no longer in force (it expired, or someone cleared it).</summary>
    public async Task<bool> ClearFaultAsync(string id, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Delete, "faults/" + Uri.EscapeDataString(id), null, cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureAsync(response, cancellation);
        return true;
    }

    public async Task<long> LastFaultEventAsync(CancellationToken cancellation) =>
        (await GetAsync<FaultEventPage>("faults/events?limit=1&after=" + long.MaxValue, cancellation))?.LastSequence ?? 0;

    /// <summary>Fault events after <paramref name="after"/>, stopping once <paramref name="max"/> are read, and how many fell out of the log.</summary>
    public Task<(List<FaultEventDocument> Events, long Dropped)> FaultEventsAfterAsync(long after, int max, CancellationToken cancellation) =>
        PagesAfterAsync<FaultEventDocument>(
            "faults/events", after, max,
            async path => await GetAsync<FaultEventPage>(path, cancellation) is { } page ? (page.Events, page.Dropped) : null,
            e => e.Sequence);

    /// <summary>A timeline read page by page (10,000 a page) after <paramref name="after"/>, until it runs out or <paramref name="max"/> are read.</summary>
    private static async Task<(List<T> Events, long Dropped)> PagesAfterAsync<T>(
        string path, long after, int max, Func<string, Task<(IReadOnlyList<T> Events, long Dropped)?>> read, Func<T, long> sequenceOf)
    {
        const int PageSize = 10_000;
        var events = new List<T>();
        long dropped = 0;
        while (await read($"{path}?limit={PageSize}&after={after}") is { } page)
        {
            events.AddRange(page.Events);
            dropped = Math.Max(dropped, page.Dropped);
            if (page.Events.Count < PageSize || events.Count >= max)
            {
                break;
            }

            after = sequenceOf(page.Events[^1]);
        }

        return (events, dropped);
    }

    private Uri Url(string path) => new(baseUrl, "_harness/" + path);

    private async Task<T?> GetAsync<T>(string path, CancellationToken cancellation)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return default;
        }

        await EnsureAsync(response, cancellation);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellation);
    }

    private async Task SendOkAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellation)
    {
        using var response = await SendAsync(method, path, body, cancellation);
        await EnsureAsync(response, cancellation);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        else if (method == HttpMethod.Post)
        {
            // A bodyless POST still says JSON: that is what keeps a browser from sending it cross-site without a preflight.
            request.Content = new StringContent("", null, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request, cancellation);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellation);
            var detail = text;
            try
            {
                detail = JsonNode.Parse(text)?["detail"]?.GetValue<string>() ?? text;
            }
            catch (JsonException)
            {
            }

            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {detail}");
        }
    }
}

internal sealed record PropagationDocument(
    string Imds, IReadOnlyDictionary<string, string> Kinds, IReadOnlyDictionary<string, string> Instances,
    IReadOnlyDictionary<string, string> Interfaces, bool Reorder, bool ForcedDetachStaysStale);

internal sealed record MetadataDocument(string InstanceId, bool InSync, ViewDocument Seen, ViewDocument Desired);

internal sealed record ViewDocument(string State, IReadOnlyList<InterfaceDocument> Interfaces);

internal sealed record InterfaceDocument(
    string Mac, string NetworkInterfaceId, int DeviceNumber, IReadOnlyList<string> LocalIpv4s, IReadOnlyDictionary<string, string> Ipv4Associations,
    IReadOnlyList<string> Ipv4Prefixes);

internal sealed record InstanceDocument(string InstanceId, string ImdsEndpoint, string State, string MetadataState, string Propagation);

internal sealed record FaultDocument(string Id, string Name, string Kind, string Spec);

internal sealed record FaultEventPage(IReadOnlyList<FaultEventDocument> Events, long LastSequence, long Dropped);

internal sealed record FaultEventDocument(
    long Sequence, DateTimeOffset At, string FaultId, string Name, string Kind, string Event, string? Channel, string? InstanceId, string? Target,
    string? Detail);

internal sealed record EventPage(IReadOnlyList<EventDocument> Events, long LastSequence, long Dropped);

internal sealed record EventDocument(
    long Sequence, string InstanceId, string Kind, string? NetworkInterfaceId, string? Mac, string Detail, DateTimeOffset MadeAt,
    DateTimeOffset? DueAt, DateTimeOffset? SeenAt, string Status, string? Fault);

/// <param name="MetadataUrl">The client's recorded metadata through the host the runner named (the client's id as the path).</param>
internal sealed record ClientDocument(
    string Id, string Name, string InstanceId, string ImdsEndpoint, string Ec2Endpoint, DateTimeOffset RegisteredAt, DateTimeOffset? EndedAt,
    string? MetadataUrl = null)
{
    /// <summary>
    /// The metadata base URL to give the client: its own loopback address when the harness is on this machine, else the
    /// harness's metadata port with the client's id as the path (a harness in another container or on another host).
    /// </summary>
    public string MetadataEndpointForClient =>
        MetadataUrl is { } url && Uri.TryCreate(Ec2Endpoint, UriKind.Absolute, out var ec2) && !ec2.IsLoopback ? url : ImdsEndpoint;
}

internal sealed record ClientRecords(ClientDocument Client, IReadOnlyList<TapRecordDocument> Records, long Dropped);

internal sealed record TapRecordDocument(
    DateTimeOffset At, string Channel, string Method, string Target, int Status, string? Error, string? Body, double Milliseconds, bool? Current,
    string? Fault, bool AfterEnd);
