using System.Net;
using System.Text.Json;
using System.Xml.Linq;

namespace Harness.Testing;

/// <summary>
/// One call to the Alibaba ECS/VPC facade the way pop-core sends it by default: a GET with every parameter in the query,
/// <c>Format=JSON</c> (or XML). RegionId is a parameter like any other: the caller gives it when the action takes it.
/// </summary>
public static class EcsCall
{
    public const string Ecs = "2014-05-26";

    public const string Vpc = "2016-04-28";

    /// <summary>The status and the JSON body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        HttpClient http, string baseUrl, string action, string version, params (string Name, string Value)[] parameters)
    {
        using var response = await http.GetAsync(Url(baseUrl, action, version, "JSON", parameters));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>The status and the XML body (<c>Format=XML</c>).</summary>
    public static async Task<(HttpStatusCode Status, XElement Body)> SendXmlAsync(
        HttpClient http, string baseUrl, string action, string version, params (string Name, string Value)[] parameters)
    {
        using var response = await http.GetAsync(Url(baseUrl, action, version, "XML", parameters));
        return (response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Expects a 200; returns the body.</summary>
    public static async Task<JsonElement> OkAsync(
        HttpClient http, string baseUrl, string action, string version, params (string Name, string Value)[] parameters)
    {
        var (status, body) = await SendAsync(http, baseUrl, action, version, parameters);
        return status == HttpStatusCode.OK ? body : throw new InvalidOperationException($"{action}: {(int)status} {body}");
    }

    /// <summary>Expects an error; returns its HTTP status and code.</summary>
    public static async Task<(int Status, string Code)> ErrorAsync(
        HttpClient http, string baseUrl, string action, string version, params (string Name, string Value)[] parameters)
    {
        var (status, body) = await SendAsync(http, baseUrl, action, version, parameters);
        return status == HttpStatusCode.OK
            ? throw new InvalidOperationException($"{action} succeeded: {body}")
            : ((int)status, body.GetProperty("Code").GetString()!);
    }

    private static Uri Url(string baseUrl, string action, string version, string format, (string Name, string Value)[] parameters) =>
        new(baseUrl.TrimEnd('/') + "/?" + string.Join('&', new[] { ("Action", action), ("Version", version), ("Format", format) }.Concat(parameters)
            .Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2))));
}
