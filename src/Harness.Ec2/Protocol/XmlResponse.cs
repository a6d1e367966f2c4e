using System.Globalization;
using System.Security;
using System.Text;

namespace Harness.Ec2.Protocol;

/// <summary>
/// Writes EC2's response XML: <c>&lt;{Action}Response xmlns=…&gt;</c>, <c>requestId</c> first, lists as
/// <c>&lt;xxxSet&gt;&lt;item&gt;</c>. A plain builder: responses are small and this is the hot path.
/// </summary>
internal sealed class XmlResponse
{
    public const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private readonly StringBuilder text = new(1024);
    private readonly Stack<string> open = new();

    public XmlResponse(string action, string requestId)
    {
        text.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        text.Append('<').Append(action).Append("Response xmlns=\"").Append(Namespace).Append("\">");
        open.Push(action + "Response");
        Element("requestId", requestId);
    }

    public XmlResponse Start(string name)
    {
        text.Append('<').Append(name).Append('>');
        open.Push(name);
        return this;
    }

    public XmlResponse End()
    {
        text.Append("</").Append(open.Pop()).Append('>');
        return this;
    }

    public XmlResponse Element(string name, string? value)
    {
        if (value is not null)
        {
            text.Append('<').Append(name).Append('>').Append(SecurityElement.Escape(value)).Append("</").Append(name).Append('>');
        }

        return this;
    }

    public XmlResponse Element(string name, bool value) => Element(name, value ? "true" : "false");

    public XmlResponse Element(string name, long value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public XmlResponse Element(string name, DateTimeOffset value) =>
        Element(name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    /// <summary>Writes <c>&lt;name&gt;&lt;item&gt;…&lt;/item&gt;…&lt;/name&gt;</c>, one item per element.</summary>
    public XmlResponse Set<T>(string name, IEnumerable<T> items, Action<XmlResponse, T> writeItem, bool bare = false)
    {
        Start(name);
        foreach (var item in items)
        {
            // bare: lists of scalars, where the writer emits the <item> element itself.
            if (!bare)
            {
                Start("item");
            }

            writeItem(this, item);
            if (!bare)
            {
                End();
            }
        }

        return End();
    }

    public XmlResponse Return() => Element("return", true);

    public string Complete()
    {
        while (open.Count > 0)
        {
            End();
        }

        return text.ToString();
    }

    public static string Error(string code, string message, string requestId) =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{SecurityElement.Escape(code)}</Code><Message>{SecurityElement.Escape(message)}</Message></Error></Errors><RequestID>{requestId}</RequestID></Response>";
}
