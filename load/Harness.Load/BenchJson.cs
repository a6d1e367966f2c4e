using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Load;

/// <summary>How the benchmark commands write and read their JSON: indented, camelCase, nulls left out.</summary>
internal static class BenchJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
