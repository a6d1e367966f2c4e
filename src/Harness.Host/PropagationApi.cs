using System.Collections.Immutable;
using System.Text.Json;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Domain.Delays;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Harness.Host;

/// <summary>
/// <c>/_harness/propagation</c>: the delay models changes draw from, per-instance and per-interface overrides, and
/// flushing what is pending. Settings apply to changes made after they are set.
/// </summary>
internal static class PropagationApi
{
    public static RouteGroupBuilder MapPropagationApi(this RouteGroupBuilder api)
    {
        api.MapGet("/propagation", Get);
        api.MapPut("/propagation", PutAsync);
        api.MapPost("/propagation/flush", Flush);
        api.MapPut("/propagation/instances/{instanceId}", PutInstanceAsync);
        api.MapDelete("/propagation/instances/{instanceId}", DeleteInstance);
        api.MapPut("/propagation/interfaces/{networkInterfaceId}", PutInterfaceAsync);
        api.MapDelete("/propagation/interfaces/{networkInterfaceId}", DeleteInterface);
        return api;
    }

    private static Ok<SettingsDocument> Get(MetadataPropagation propagation) => TypedResults.Ok(SettingsDocument.Of(propagation.Settings));

    private static async Task<Results<Ok<SettingsDocument>, ProblemHttpResult>> PutAsync(HttpContext http, MetadataPropagation propagation)
    {
        var (body, problem) = await ReadObjectAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        var settings = propagation.Settings;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "imds":
                    if (!TryModel(property.Value, "imds", out var model, out problem))
                    {
                        return problem;
                    }

                    settings = settings with { Imds = model };
                    break;
                case "kinds":
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        return Bad("\"kinds\" must be an object of kind to delay spec (null removes an override).", "kinds");
                    }

                    var kinds = settings.Kinds;
                    foreach (var kind in property.Value.EnumerateObject())
                    {
                        if (!MetadataChangeKinds.All.Contains(kind.Name))
                        {
                            return Bad($"Unknown kind of change '{kind.Name}'. Known: {string.Join(", ", MetadataChangeKinds.All)}.", "kinds." + kind.Name);
                        }

                        if (kind.Value.ValueKind == JsonValueKind.Null)
                        {
                            kinds = kinds.Remove(kind.Name);
                            continue;
                        }

                        if (!TryModel(kind.Value, "kinds." + kind.Name, out var kindModel, out problem))
                        {
                            return problem;
                        }

                        kinds = kinds.SetItem(kind.Name, kindModel);
                    }

                    settings = settings with { Kinds = kinds };
                    break;
                case "reorder" or "forcedDetachStaysStale":
                    if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        return Bad($"\"{property.Name}\" must be true or false.", property.Name);
                    }

                    settings = property.Name == "reorder"
                        ? settings with { Reorder = property.Value.GetBoolean() }
                        : settings with { ForcedDetachStaysStale = property.Value.GetBoolean() };
                    break;
                default:
                    return Bad($"Unknown setting '{property.Name}'. Known: imds, kinds, reorder, forcedDetachStaysStale.", property.Name);
            }
        }

        propagation.Settings = settings;
        return TypedResults.Ok(SettingsDocument.Of(settings));
    }

    private static Ok<FlushReport> Flush(MetadataPropagation propagation) => TypedResults.Ok(new FlushReport(propagation.Flush()));

    private static async Task<Results<Ok<SettingsDocument>, ProblemHttpResult>> PutInstanceAsync(
        string instanceId, HttpContext http, MetadataPropagation propagation)
    {
        if (propagation.Describe(instanceId) is null)
        {
            return ControlApi.NotFound($"No instance {instanceId}.");
        }

        var (model, problem) = await ReadOverrideAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Ok(Update(propagation, s => s with { Instances = s.Instances.SetItem(instanceId, model!) }));
    }

    private static Ok<SettingsDocument> DeleteInstance(string instanceId, MetadataPropagation propagation) =>
        TypedResults.Ok(Update(propagation, s => s with { Instances = s.Instances.Remove(instanceId) }));

    private static async Task<Results<Ok<SettingsDocument>, ProblemHttpResult>> PutInterfaceAsync(
        string networkInterfaceId, HttpContext http, MetadataPropagation propagation, RegionDirectory regions)
    {
        if (!regions.All.Any(r => r.NetworkInterfaces.ContainsKey(networkInterfaceId)))
        {
            return ControlApi.NotFound($"No network interface {networkInterfaceId}.");
        }

        var (model, problem) = await ReadOverrideAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Ok(Update(propagation, s => s with { Interfaces = s.Interfaces.SetItem(networkInterfaceId, model!) }));
    }

    private static Ok<SettingsDocument> DeleteInterface(string networkInterfaceId, MetadataPropagation propagation) =>
        TypedResults.Ok(Update(propagation, s => s with { Interfaces = s.Interfaces.Remove(networkInterfaceId) }));

    private static SettingsDocument Update(MetadataPropagation propagation, Func<PropagationSettings, PropagationSettings> change)
    {
        // Overrides come one request at a time from tools; the last writer wins, as with any PUT.
        var settings = change(propagation.Settings);
        propagation.Settings = settings;
        return SettingsDocument.Of(settings);
    }

    private static async Task<(DelayModel? Model, ProblemHttpResult? Problem)> ReadOverrideAsync(HttpContext http)
    {
        var (body, problem) = await ReadObjectAsync(http);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (!body.TryGetProperty("imds", out var spec) || body.EnumerateObject().Count() != 1)
        {
            return (null, Bad("The body must be {\"imds\": \"<delay spec>\"}.", "imds"));
        }

        return TryModel(spec, "imds", out var model, out problem) ? (model, null) : (null, problem);
    }

    private static async Task<(JsonElement Body, ProblemHttpResult? Problem)> ReadObjectAsync(HttpContext http)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (default, Bad("The body must be a JSON object.", null));
        }
        catch (JsonException error)
        {
            return (default, Bad($"The body is not JSON: {error.Message}", null));
        }
    }

    private static bool TryModel(JsonElement value, string field, out DelayModel model, out ProblemHttpResult problem)
    {
        model = null!;
        problem = null!;
        if (value.ValueKind != JsonValueKind.String)
        {
            problem = Bad($"\"{field}\" must be a delay spec string such as \"fixed(1500ms)\".", field);
            return false;
        }

        var text = value.GetString()!;
        if (DelaySpec.TryParse(text, out var parsed, out var error))
        {
            model = parsed;
            return true;
        }

        problem = TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Bad delay spec",
            detail: $"{error.Message}\n  {text}\n  {new string(' ', error.Position)}^",
            extensions: new Dictionary<string, object?> { ["field"] = field, ["spec"] = text, ["position"] = error.Position });
        return false;
    }

    private static ProblemHttpResult Bad(string detail, string? field) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Bad propagation settings",
        detail: detail,
        extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    internal sealed record FlushReport(int Applied);

    /// <summary>The settings as JSON: every model as its canonical spec.</summary>
    internal sealed record SettingsDocument(
        string Imds, IReadOnlyDictionary<string, string> Kinds, IReadOnlyDictionary<string, string> Instances,
        IReadOnlyDictionary<string, string> Interfaces, bool Reorder, bool ForcedDetachStaysStale)
    {
        public static SettingsDocument Of(PropagationSettings s) => new(
            s.Imds.ToString(), Specs(s.Kinds), Specs(s.Instances), Specs(s.Interfaces), s.Reorder, s.ForcedDetachStaysStale);

        private static SortedDictionary<string, string> Specs(ImmutableDictionary<string, DelayModel> models) =>
            new(models.ToDictionary(p => p.Key, p => p.Value.ToString()), StringComparer.Ordinal);
    }
}
