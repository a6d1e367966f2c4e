using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace Harness.Testing.Fuzz;

/// <summary>
/// Judges one raw reply of the Alibaba facade. Its handler marks every reply with <c>x-acs-request-id</c>; such a reply
/// must be JSON or XML as its Content-Type says, an error with a <c>Code</c> and a success with a <c>RequestId</c>. A
/// reply without the header is Kestrel refusing the framing or a limit before the handler ran: a 4xx with no body.
/// </summary>
public static class EcsReply
{
    public static string? Problem(byte[] reply, bool whole)
    {
        var text = Encoding.UTF8.GetString(reply);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return "no end of headers";
        }

        var lines = text[..split].Split("\r\n");
        var status = int.Parse(lines[0].AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        string? Header(string name) => lines.Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();
        var body = text[(split + 4)..];
        if (Header("x-acs-request-id") is null)
        {
            return status is >= 400 and < 500 && body.Length == 0 ? null : "a reply the handler did not write";
        }

        if (!whole)
        {
            return null; // a reply over 8 MiB (a page of ENIs with 70 KB names): its status is all that is judged
        }

        var type = Header("Content-Type") ?? "";
        try
        {
            string? code, requestId;
            if (type.StartsWith("text/xml", StringComparison.Ordinal))
            {
                var root = XElement.Parse(body);
                (code, requestId) = (root.Name == "Error" ? root.Element("Code")?.Value : null, root.Element("RequestId")?.Value);
            }
            else if (type.StartsWith("application/json", StringComparison.Ordinal))
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                (code, requestId) = (root.TryGetProperty("Code", out var c) ? c.GetString() : null, root.TryGetProperty("RequestId", out var r) ? r.GetString() : null);
            }
            else
            {
                return "Content-Type " + type;
            }

            return (status, code, requestId) switch
            {
                (_, _, null or "") => "no RequestId",
                (200, null, _) => null,
                (200, _, _) => "a 200 with an error Code",
                (_, null or "", _) => "an error without a Code",
                _ => null,
            };
        }
        catch (Exception error) when (error is JsonException or XmlException)
        {
            return "unparsable body: " + error.Message;
        }
    }
}
