using System.Text.Json;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Cluster;
using Harness.Imds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Harness.Host;

/// <summary>
/// <c>/_harness/clients</c>: registers a program under test on an instance. It gets a metadata endpoint and an EC2
/// endpoint of its own, so that everything it does there is recorded apart from everyone else's traffic. In a cluster,
/// a client is registered and recorded on the process that was asked, and every process lists and answers for it
/// (<see cref="ClusterClients"/>).
/// </summary>
internal static class ClientsApi
{
    public static RouteGroupBuilder MapClientsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/clients", RegisterAsync).WithDescription("Registers a program under test on an instance, with metadata and EC2 endpoints of its own");
        api.MapGet("/clients", ListAsync).WithDescription("Every registered client");
        api.MapGet("/clients/{clientId}", GetAsync).WithDescription("One client and everything it did");
        api.MapPost("/clients/{clientId}/end", EndAsync).WithDescription("Marks a client's end as its runner saw it: what it did before is what it did while it ran");
        api.MapDelete("/clients/{clientId}", DeleteAsync).WithDescription("Unregisters a client");
        return api;
    }

    private static async Task<Results<Created<ClientCard>, ProblemHttpResult>> RegisterAsync(HttpContext http, ClusterClients clients)
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

        if (await clients.RegisterAsync(body.Name, body.InstanceId, Origin(http)) is not { } card)
        {
            return ControlApi.NotFound($"No instance {body.InstanceId} has metadata here.");
        }

        return TypedResults.Created($"/_harness/clients/{card.Id}", card);
    }

    private static async Task<Ok<ClientList>> ListAsync(HttpContext http, ClusterClients clients) =>
        TypedResults.Ok(new ClientList(await clients.AllAsync(Origin(http))));

    private static async Task<Results<Ok<ClientRecords>, ProblemHttpResult>> GetAsync(string clientId, HttpContext http, ClusterClients clients) =>
        await clients.GetAsync(clientId, Origin(http)) is { } records ? TypedResults.Ok(records) : NoClient(clientId);

    /// <summary>
    /// Marks the client's end as its runner saw it (the process exited): the records before the mark are what it did while
    /// it ran. Takes no body; answers the client's document with <c>endedAt</c> on the harness's clock (the clock of the
    /// process it is registered on).
    /// </summary>
    private static async Task<Results<Ok<ClientCard>, ProblemHttpResult>> EndAsync(string clientId, HttpContext http, ClusterClients clients) =>
        await clients.EndAsync(clientId, Origin(http)) is { } card ? TypedResults.Ok(card) : NoClient(clientId);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string clientId, ClusterClients clients) =>
        await clients.RemoveAsync(clientId) ? TypedResults.NoContent() : NoClient(clientId);

    private static ProblemHttpResult NoClient(string clientId) => ControlApi.NotFound($"No client {clientId} is registered here.");

    /// <summary>The scheme and host this request named: a client's EC2 endpoint is on it.</summary>
    private static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    internal sealed record RegisterBody(string? Name, string? InstanceId);

    internal sealed record ClientList(IReadOnlyList<ClientCard> Clients);
}

/// <summary>
/// Cards of clients registered on this process: its metadata port, and the EC2 endpoint of the request (or this process's
/// own, when another process of a cluster asks).
/// </summary>
internal sealed class HostClientCards(ImdsListener listener, ClusterMembers members) : IClientCards
{
    public ClientCard Card(ClientTap tap, string? origin)
    {
        origin ??= members.Self?.Ec2Endpoint ?? "http://127.0.0.1";

        // A request without a Host (HTTP/1.0) names none: the metadata URL then says 127.0.0.1, as it always did.
        var host = Uri.TryCreate(origin, UriKind.Absolute, out var uri) ? new HostString(uri.Authority) : default;
        return new ClientCard(
            tap.Id, tap.Name, tap.Slot.InstanceId, $"http://{tap.AddressText}:{listener.Port}", $"{origin}/_harness/clients/{tap.Id}/ec2",
            tap.RegisteredAt, tap.EndedAt, listener.UrlThrough(host, tap.Id));
    }
}
