using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Load.Reports;

/// <summary>The report as JSON (camelCase, indented, enums as strings): everything the other reports show, for tools.</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // A model's unbounded maximum is +Infinity, and it should be written rather than cost the whole report.
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Render(LoadReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Reads a report <see cref="Render"/> wrote.</summary>
    /// <exception cref="JsonException">The text is not such a report: malformed, a field missing, or null where the report has no nulls.</exception>
    public static LoadReport Parse(string json) =>
        JsonSerializer.Deserialize<LoadReport>(json, Options) ?? throw new JsonException("The report is null.");
}
