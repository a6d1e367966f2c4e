using System.Globalization;
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
            text.Append('<').Append(name).Append('>').Append(Escape(value)).Append("</").Append(name).Append('>');
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
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{Escape(code)}</Code><Message>{Escape(message)}</Message></Error></Errors><RequestID>{requestId}</RequestID></Response>";

    /// <summary>
    /// Escapes markup and replaces what XML 1.0 cannot carry at all (NUL and other control characters, lone
    /// surrogates): request values are echoed in messages, and a client must always be able to parse the reply.
    /// </summary>
    public static string Escape(string value)
    {
        var clean = true;
        foreach (var c in value)
        {
            if (c is '&' or '<' or '>' or '"' or '\'' || char.IsSurrogate(c) || (c < ' ' && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF')
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 16);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '&': text.Append("&amp;"); break;
                case '<': text.Append("&lt;"); break;
                case '>': text.Append("&gt;"); break;
                case '"': text.Append("&quot;"); break;
                case '\'': text.Append("&apos;"); break;
                case var h when char.IsHighSurrogate(h) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]):
                    text.Append(h).Append(value[++i]);
                    break;
                case var bad when char.IsSurrogate(bad) || (bad < ' ' && bad is not ('\t' or '\n' or '\r')) || bad is '\uFFFE' or '\uFFFF':
                    text.Append('\uFFFD');
                    break;
                default: text.Append(c); break;
            }
        }

        return text.ToString();
    }
}
