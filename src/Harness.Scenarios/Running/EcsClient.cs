using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harness.Scenarios.Running;

/// <summary>
/// Calls Alibaba Cloud's ECS (2014-05-26) and VPC (2016-04-28) RPC APIs the simplest way they are served: an unsigned
/// <c>GET /?Action=…&amp;Version=…&amp;RegionId=…&amp;Format=JSON</c>, lists as <c>Name.1</c>, <c>Name.2</c>. An error reply
/// throws the same <see cref="Ec2CallException"/> as a refused EC2 call, so the run stops on it the same way.
/// </summary>
internal sealed class EcsClient(HttpClient http, Uri endpoint, string region)
{
    public const string Ecs = "2014-05-26";

    public const string Vpc = "2016-04-28";

    /// <exception cref="Ec2CallException">The API answered with an error (its <c>Code</c> and <c>Message</c>).</exception>
    public async Task<JsonObject> CallAsync(string action, CancellationToken cancellation, params (string Name, string Value)[] parameters)
    {
        var version = action is "CreateVpc" or "CreateVSwitch" or "DescribeVpcs" or "DescribeVSwitches" or "DeleteVpc" or "DeleteVSwitch" ? Vpc : Ecs;
        var query = new[] { ("Action", action), ("Version", version), ("RegionId", region), ("Format", "JSON") }.Concat(parameters)
            .Select(p => $"{Uri.EscapeDataString(p.Item1)}={Uri.EscapeDataString(p.Item2)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "?" + string.Join('&', query)));

        // The run's own steps are the world's doing, not a client's: faults leave them alone, as on EC2.
        request.Headers.TryAddWithoutValidation(Harness.Ec2.Ec2ApiEndpoints.StepsHeader, "1");
        using var response = await http.SendAsync(request, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        JsonObject body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            throw new Ec2CallException(action, $"HTTP {(int)response.StatusCode}", text.Length > 200 ? text[..200] : text);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new Ec2CallException(action, Text(body, "Code") ?? $"HTTP {(int)response.StatusCode}", Text(body, "Message") ?? "");
        }

        return body;
    }

    public static string? Text(JsonNode? node, string name) => node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The items of Alibaba's wrapped lists: <c>{"NetworkInterfaceSets": {"NetworkInterfaceSet": [...]}}</c>.</summary>
    public static IEnumerable<JsonObject> Items(JsonNode? node, string set, string item) =>
        node?[set]?[item] is JsonArray array ? array.OfType<JsonObject>() : [];
}
