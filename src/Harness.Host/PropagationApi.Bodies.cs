using System.Collections.Immutable;
using System.Text.Json;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Delays;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Harness.Host;

/// <summary>Reading and answering the propagation API's JSON: every string checked, every bad spec pointed at.</summary>
internal static partial class PropagationApi
{
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
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, Bad("The body must be a JSON object.", null));
            }

            ReadEveryString(document.RootElement);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException error)
        {
            return (default, Bad($"The body is not JSON: {error.Message}", null));
        }
        catch (InvalidOperationException error)
        {
            // Invalid UTF-8 inside a string surfaces only when the string is read.
            return (default, Bad($"The body is not valid JSON text: {error.Message}", null));
        }
    }

    /// <summary>Reads every name and string once, so text that is not UTF-8 fails here rather than mid-update.</summary>
    private static void ReadEveryString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    ReadEveryString(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadEveryString(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }

    /// <summary>Every field GET returns, so a GET's body can be PUT back as it is.</summary>
    private static readonly string[] Settings = ["imds", "kinds", "instances", "interfaces", "reorder", "forcedDetachStaysStale"];

    /// <summary>
    /// Reads <c>"instances"</c> or <c>"interfaces"</c>: an object of id to delay spec, null removing an override. An id
    /// must name something that exists, or already have an override (so a GET's body still goes back after a terminate).
    /// </summary>
    private static bool TryOverrides(
        JsonProperty property, ImmutableDictionary<string, DelayModel> current, Func<string, bool> exists,
        out List<(string Id, DelayModel? Model)> changes, out ProblemHttpResult problem)
    {
        changes = [];
        problem = null!;
        var what = property.Name == "instances" ? "instance" : "network interface";
        if (property.Value.ValueKind != JsonValueKind.Object)
        {
            problem = Bad($"\"{property.Name}\" must be an object of {what} id to delay spec (null removes an override).", property.Name);
            return false;
        }

        foreach (var entry in property.Value.EnumerateObject())
        {
            var field = property.Name + "." + entry.Name;
            if (!current.ContainsKey(entry.Name) && !exists(entry.Name))
            {
                problem = Bad($"No {what} {entry.Name}.", field);
                return false;
            }

            if (entry.Value.ValueKind == JsonValueKind.Null)
            {
                changes.Add((entry.Name, null));
                continue;
            }

            if (!TryModel(entry.Value, field, out var model, out problem))
            {
                return false;
            }

            changes.Add((entry.Name, model));
        }

        return true;
    }

    private static ImmutableDictionary<string, DelayModel> Apply(ImmutableDictionary<string, DelayModel> overrides, (string Id, DelayModel? Model) change) =>
        change.Model is null ? overrides.Remove(change.Id) : overrides.SetItem(change.Id, change.Model);

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
            detail: ControlApi.Pointed(error.Message, text, error.Position),
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
