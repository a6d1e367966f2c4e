using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace Harness.Scenarios.Reports;

/// <summary>Text from clients made safe for XML and HTML: terminal colour codes dropped, other control characters shown as �.</summary>
internal static partial class ReportText
{
    public static string Printable(string text)
    {
        if (text.All(c => c >= ' ' || c is '\n' or '\r' or '\t'))
        {
            return text;
        }

        var stripped = TerminalCodes().Replace(text, "");
        var safe = new StringBuilder(stripped.Length);
        for (var i = 0; i < stripped.Length; i++)
        {
            var c = stripped[i];
            if (char.IsHighSurrogate(c) && i + 1 < stripped.Length && XmlConvert.IsXmlSurrogatePair(stripped[i + 1], c))
            {
                safe.Append(c).Append(stripped[++i]);
            }
            else
            {
                safe.Append(XmlConvert.IsXmlChar(c) ? c : '\uFFFD');
            }
        }

        return safe.ToString();
    }

    [GeneratedRegex(@"\x1B\[[0-9;?]*[ -/]*[@-~]")]
    private static partial Regex TerminalCodes();
}
