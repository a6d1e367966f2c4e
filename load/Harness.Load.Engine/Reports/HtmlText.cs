using System.Net;
using System.Xml;

namespace Harness.Load.Reports;

/// <summary>Text and numbers made safe for the HTML report, which is also well-formed XML.</summary>
internal static class HtmlText
{
    /// <summary>
    /// HTML-encodes <paramref name="text"/> after replacing characters XML does not allow (control characters, U+FFFE,
    /// U+FFFF) with U+FFFD; the encoder itself turns a lone surrogate into U+FFFD.
    /// </summary>
    public static string Encode(string text) =>
        WebUtility.HtmlEncode(string.Create(text.Length, text, static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                chars[i] = XmlConvert.IsXmlChar(source[i]) || char.IsSurrogate(source[i]) ? source[i] : '\uFFFD';
            }
        }));
}
