using System.Text.Json;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Faults;
using Harness.Domain.Faults;
using Harness.Ec2;
using Harness.Ecs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Harness.Host;

/// <summary>
/// <c>/_harness/faults</c>: puts faults in force (<c>POST</c> with a fault spec, the grammar of <c>serve --fault</c>),
/// lists them with how many requests each touched, clears them, and pages through the fault timeline.
/// </summary>
internal static class FaultsApi
{
    public static RouteGroupBuilder MapFaultsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/faults", AddAsync).WithDescription("Puts a fault in force, {\"spec\":\"<fault spec>\"}");
        api.MapGet("/faults", List).WithDescription("The faults in force, with how many requests each touched");
        api.MapDelete("/faults", ClearAsync).WithDescription("Clears every fault");
        api.MapGet("/faults/events", Events).WithDescription("The fault timeline, paged");
        api.MapGet("/faults/{id}", Get).WithDescription("One fault in force");
        api.MapDelete("/faults/{id}", DeleteAsync).WithDescription("Clears one fault");
        return api;
    }

    /// <summary>The web defaults, refusing fields it does not know (a misspelt "name" must not pass unnoticed).</summary>
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerOptions.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static async Task<Results<Created<FaultDocument>, ProblemHttpResult>> AddAsync(HttpContext http, FaultBook book, ClusterMembers members)
    {
        AddBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<AddBody>(http.Request.Body, Strict);
        }
        catch (JsonException failure)
        {
            return ControlApi.BadRequest($"The body must be {{\"spec\": \"<fault spec>\", \"name\": \"…\" (optional)}}: {failure.Message}");
        }

        if (body is not { Spec: { } text })
        {
            return ControlApi.BadRequest("The body must be {\"spec\": \"<fault spec>\", \"name\": \"…\" (optional)}, for example {\"spec\": \"imds-error(status=503, rate=30%)\"}.");
        }

        if (!FaultSpec.TryParse(text, out var spec, out var error, Ec2ApiEndpoints.Actions, EcsApiEndpoints.Actions))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Bad fault spec",
                detail: ControlApi.Pointed(error!.Message, text, error.Position),
                extensions: new Dictionary<string, object?> { ["position"] = error.Position, ["spec"] = text });
        }

        if (body.Name is { } name && !FaultKinds.IsValidName(name))
        {
            return ControlApi.BadRequest("A fault's name is 1 to 64 letters, digits, dots, dashes and underscores, and not 'events'.");
        }

        // In a cluster the world grain numbers it and every process puts it in force, this one included.
        if (await members.AddFaultAsync(spec!.ToString(), body.Name, "api") is { } answer)
        {
            return answer.Fault is { } added && book.TryGet(added.Id, out var here)
                ? TypedResults.Created($"/_harness/faults/{here!.Id}", FaultDocument.Of(here))
                : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Name taken",
                    detail: answer.Refusal ?? $"A fault named '{body.Name}' is already in force on this process; clear it first or choose another name.");
        }

        if (book.Add(spec!, body.Name, "api", out var problem) is not { } fault)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Name taken", detail: problem);
        }

        return TypedResults.Created($"/_harness/faults/{fault.Id}", FaultDocument.Of(fault));
    }

    private static Ok<FaultList> List(FaultBook book) => TypedResults.Ok(new FaultList([.. book.All.Select(FaultDocument.Of)]));

    private static Results<Ok<FaultDocument>, ProblemHttpResult> Get(string id, FaultBook book) =>
        book.TryGet(id, out var fault) ? TypedResults.Ok(FaultDocument.Of(fault!)) : ControlApi.NotFound($"No fault {id} is in force.");

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, FaultBook book, ClusterMembers members) =>
        (await members.RemoveFaultAsync(id) ?? book.Remove(id)) ? TypedResults.NoContent() : ControlApi.NotFound($"No fault {id} is in force.");

    private static async Task<Ok<ClearReport>> ClearAsync(FaultBook book, ClusterMembers members) =>
        TypedResults.Ok(new ClearReport(await members.ClearFaultsAsync() ?? book.All.Count(f => book.Remove(f.Id))));

    private static Results<Ok<FaultEventPage>, ProblemHttpResult> Events(FaultBook book, long? after, int? limit, string? instance)
    {
        if (after is < 0 || limit is < 1 or > 10_000)
        {
            return ControlApi.BadRequest("after is 0 or more; limit is from 1 to 10000.");
        }

        return TypedResults.Ok(book.Events(after ?? 0, limit ?? 1000, instance));
    }

    internal sealed record AddBody(string? Spec, string? Name);

    /// <param name="Spec">The canonical spec, defaults filled in.</param>
    /// <param name="Touched">How many requests or changes it has touched so far.</param>
    internal sealed record FaultDocument(
        string Id, string Name, string Kind, string Spec, string Source, DateTimeOffset AddedAt, DateTimeOffset? ExpiresAt, long Touched)
    {
        public static FaultDocument Of(ActiveFault fault) => new(
            fault.Id, fault.Name, fault.Spec.Kind, fault.Spec.ToString(), fault.Source, fault.AddedAt, fault.ExpiresAt, fault.Touched);
    }

    internal sealed record FaultList(IReadOnlyList<FaultDocument> Faults);

    internal sealed record ClearReport(int Cleared);
}
