using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace Harness.Scenarios.Reports;

/// <summary>
/// Text from clients made safe for XML and HTML: terminal colour codes dropped, and every character XML does not
/// allow (control characters, U+FFFE, U+FFFF, lone surrogates) shown as �.
/// </summary>
internal static partial class ReportText
{
    public static string Printable(string text)
    {
        var stripped = text.Contains('\u001b', StringComparison.Ordinal) ? TerminalCodes().Replace(text, "") : text;
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
