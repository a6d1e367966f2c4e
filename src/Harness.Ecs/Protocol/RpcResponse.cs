using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace Harness.Ecs.Protocol;

/// <summary>
/// Renders a reply Alibaba's way (ALIBABA.md §2): a JSON object with <c>RequestId</c>, lists wrapped in an object
/// (<c>"PrivateIpSets":{"PrivateIpSet":[…]}</c>); in XML the same tree under <c>&lt;{Action}Response&gt;</c>, a list
/// as its element repeated inside the wrapper, and errors under <c>&lt;Error&gt;</c>.
/// </summary>
internal static class RpcResponse
{
    public const string JsonType = "application/json;charset=utf-8";

    /// <summary>The one XML content type CORE clients read an XML error from (§2).</summary>
    public const string XmlType = "text/xml;charset=utf-8";

    /// <summary>Without escaping <c>&amp;</c> and the like: the reply is JSON, never HTML.</summary>
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The reply's UTF-8 bytes, written straight from the tree (no string between).</summary>
    public static byte[] Json(JsonObject body) => JsonSerializer.SerializeToUtf8Bytes(body, Relaxed);

    public static byte[] Xml(string root, JsonObject body) => Encoding.UTF8.GetBytes(XmlText(root, body));

    private static string XmlText(string root, JsonObject body)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            xml.WriteStartElement(root);
            WriteMembers(xml, body);
            xml.WriteEndElement();
        }

        // StringBuilder output declares utf-16; the bytes sent are UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"UTF-8\"", StringComparison.Ordinal);
    }

    private static void WriteMembers(XmlWriter xml, JsonObject body)
    {
        foreach (var (name, value) in body)
        {
            if (value is JsonArray items)
            {
                foreach (var item in items)
                {
                    WriteElement(xml, name, item);
                }
            }
            else
            {
                WriteElement(xml, name, value);
            }
        }
    }

    private static void WriteElement(XmlWriter xml, string name, JsonNode? value)
    {
        xml.WriteStartElement(name);
        switch (value)
        {
            case JsonObject inner:
                WriteMembers(xml, inner);
                break;
            case JsonValue leaf:
                xml.WriteString(XmlSafe(Text(leaf)));
                break;
        }

        xml.WriteEndElement();
    }

    /// <summary>
    /// XML 1.0 cannot carry every character a request can (U+0000 and other controls, lone surrogates), and a value is
    /// often echoed (an id in a NotFound message, a name): those characters are shown as U+FFFD, not a failed reply.
    /// </summary>
    private static string XmlSafe(string text)
    {
        char[]? chars = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                i++;
            }
            else if (!XmlConvert.IsXmlChar(text[i]))
            {
                chars ??= text.ToCharArray();
                chars[i] = '\uFFFD';
            }
        }

        return chars is null ? text : new string(chars);
    }

    private static string Text(JsonValue leaf) => leaf.TryGetValue<bool>(out var flag)
        ? (flag ? "true" : "false")
        : leaf.TryGetValue<string>(out var text) ? text : Convert.ToString(leaf.GetValue<object>(), CultureInfo.InvariantCulture) ?? "";
}
