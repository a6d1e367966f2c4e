using System.Text.Json;
using Harness.ControlPlane.Clients;
using Harness.Imds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Harness.Host;

/// <summary>
/// <c>/_harness/clients</c>: registers a program under test on an instance. It gets a metadata endpoint and an EC2
/// endpoint of its own, so that everything it does there is recorded apart from everyone else's traffic.
/// </summary>
internal static class ClientsApi
{
    public static RouteGroupBuilder MapClientsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/clients", RegisterAsync).WithDescription("Registers a program under test on an instance, with metadata and EC2 endpoints of its own");
        api.MapGet("/clients", List).WithDescription("Every registered client");
        api.MapGet("/clients/{clientId}", Get).WithDescription("One client and everything it did");
        api.MapPost("/clients/{clientId}/end", End).WithDescription("Marks a client's end as its runner saw it: what it did before is what it did while it ran");
        api.MapDelete("/clients/{clientId}", Delete).WithDescription("Unregisters a client");
        return api;
    }

    private static async Task<Results<Created<ClientDocument>, ProblemHttpResult>> RegisterAsync(HttpContext http, ClientTaps taps, ImdsListener listener)
    {
        RegisterBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<RegisterBody>(http.Request.Body, JsonSerializerOptions.Web);
        }
        catch (JsonException error)
        {
            return ControlApi.BadRequest($"The body must be {{\"name\": \"…\", \"instanceId\": \"i-…\"}}: {error.Message}");
        }

        if (body is not { Name.Length: > 0, InstanceId.Length: > 0 })
        {
            return ControlApi.BadRequest("The body must be {\"name\": \"…\", \"instanceId\": \"i-…\"}, both non-empty.");
        }

        if (taps.Register(body.Name, body.InstanceId) is not { } tap)
        {
            return ControlApi.NotFound($"No instance {body.InstanceId} has metadata here.");
        }

        var document = ClientDocument.Of(tap, http, listener);
        return TypedResults.Created($"/_harness/clients/{tap.Id}", document);
    }

    private static Ok<ClientList> List(HttpContext http, ClientTaps taps, ImdsListener listener) =>
        TypedResults.Ok(new ClientList([.. taps.All.OrderBy(t => t.Number).Select(t => ClientDocument.Of(t, http, listener))]));

    private static Results<Ok<ClientRecords>, ProblemHttpResult> Get(string clientId, HttpContext http, ClientTaps taps, ImdsListener listener)
    {
        if (!taps.TryGet(clientId, out var tap))
        {
            return ControlApi.NotFound($"No client {clientId} is registered here.");
        }

        var (records, dropped) = tap.Snapshot();
        return TypedResults.Ok(new ClientRecords(ClientDocument.Of(tap, http, listener), records, dropped));
    }

    /// <summary>
    /// Marks the client's end as its runner saw it (the process exited): the records before the mark are what it did while
    /// it ran. Takes no body; answers the client's document with <c>endedAt</c> on the harness's clock.
    /// </summary>
    private static Results<Ok<ClientDocument>, ProblemHttpResult> End(string clientId, HttpContext http, ClientTaps taps, ImdsListener listener)
    {
        if (!taps.TryGet(clientId, out var tap))
        {
            return ControlApi.NotFound($"No client {clientId} is registered here.");
        }

        tap.End(taps.Time.GetUtcNow());
        return TypedResults.Ok(ClientDocument.Of(tap, http, listener));
    }

    private static Results<NoContent, ProblemHttpResult> Delete(string clientId, ClientTaps taps) =>
        taps.Remove(clientId) ? TypedResults.NoContent() : ControlApi.NotFound($"No client {clientId} is registered here.");

    internal sealed record RegisterBody(string? Name, string? InstanceId);

    /// <param name="ImdsEndpoint">The client's metadata base URL: its instance's metadata at an address of the client's own.</param>
    /// <param name="Ec2Endpoint">The client's EC2 endpoint (AWS_ENDPOINT_URL_EC2).</param>
    /// <param name="EndedAt">When the client's end was marked (<c>POST …/end</c>); null while it runs.</param>
    /// <param name="MetadataUrl">The same recorded metadata through the host this request named: the metadata port with the
    /// client's id as the path (for a client outside the harness's container).</param>
    internal sealed record ClientDocument(
        string Id, string Name, string InstanceId, string ImdsEndpoint, string Ec2Endpoint, DateTimeOffset RegisteredAt, DateTimeOffset? EndedAt,
        string MetadataUrl)
    {
        public static ClientDocument Of(ClientTap tap, HttpContext http, ImdsListener listener) => new(
            tap.Id, tap.Name, tap.Slot.InstanceId, $"http://{tap.AddressText}:{listener.Port}",
            $"{http.Request.Scheme}://{http.Request.Host}/_harness/clients/{tap.Id}/ec2", tap.RegisteredAt, tap.EndedAt,
            listener.UrlThrough(http.Request.Host, tap.Id));
    }

    internal sealed record ClientList(IReadOnlyList<ClientDocument> Clients);

    internal sealed record ClientRecords(ClientDocument Client, IReadOnlyList<TapRecord> Records, long Dropped);
}
