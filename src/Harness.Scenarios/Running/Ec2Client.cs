using System.Globalization;
using System.Xml.Linq;

namespace Harness.Scenarios.Running;

/// <summary>An EC2 error reply: the code and message the API answered with.</summary>
public sealed class Ec2CallException(string action, string code, string message)
    : Exception($"{action} failed: {code}: {message}")
{
    public string Action { get; } = action;

    public string Code { get; } = code;
}

/// <summary>Calls the EC2 Query API the way an SDK does (a form POST), and reads its XML replies by element name.</summary>
internal sealed class Ec2Client(HttpClient http, Uri endpoint, string region)
{
    private readonly string authorization =
        $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/{region}/ec2/aws4_request, SignedHeaders=host, Signature=0";

    /// <exception cref="Ec2CallException">The API answered with an error.</exception>
    public async Task<XElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellation)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", "2016-11-15") };
        form.AddRange(parameters);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        // The run's own steps are the world's doing: EC2 faults are for the programs under test.
        request.Headers.TryAddWithoutValidation(Harness.Ec2.Ec2ApiEndpoints.StepsHeader, "1");
        using var response = await http.SendAsync(request, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        XElement root;
        try
        {
            root = XElement.Parse(text);
        }
        catch (System.Xml.XmlException)
        {
            throw new Ec2CallException(action, $"HTTP {(int)response.StatusCode}", text.Length > 200 ? text[..200] : text);
        }

        if (!response.IsSuccessStatusCode)
        {
            var error = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            throw new Ec2CallException(action, Value(error, "Code") ?? $"HTTP {(int)response.StatusCode}", Value(error, "Message") ?? "");
        }

        return root;
    }

    public Task<XElement> CallAsync(string action, CancellationToken cancellation, params (string Name, string Value)[] parameters) =>
        CallAsync(action, parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)), cancellation);

    public static string? Value(XElement? element, string name) =>
        element?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    public static IEnumerable<XElement> All(XElement element, string name) => element.Descendants().Where(e => e.Name.LocalName == name);

    /// <summary>The <c>item</c>s of a set element directly under <paramref name="element"/>.</summary>
    public static IEnumerable<XElement> Items(XElement? element, string set) =>
        element?.Elements().FirstOrDefault(e => e.Name.LocalName == set)?.Elements().Where(e => e.Name.LocalName == "item") ?? [];

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
