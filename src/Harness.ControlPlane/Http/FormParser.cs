using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Harness.ControlPlane.Http;

/// <summary>
/// Reads <c>application/x-www-form-urlencoded</c> parameters straight from the request body, on the EC2 and the
/// Alibaba ports alike. SDK requests are small; parsing them here skips the form collection machinery, which is most of
/// a request's cost.
/// </summary>
public static class FormParser
{
    /// <summary>Both clouds refuse bodies this large long before; this only bounds what one request may hold.</summary>
    public const int MaxBodyBytes = 1 << 20;

    public static async Task<bool> ReadBodyAsync(PipeReader body, Dictionary<string, string> into)
    {
        while (true)
        {
            // Small bodies usually arrive with the headers: take them without an await when they are there.
            if (!body.TryRead(out var result))
            {
                result = await body.ReadAsync();
            }

            var buffer = result.Buffer;
            if (buffer.Length > MaxBodyBytes)
            {
                body.AdvanceTo(buffer.End);
                return false;
            }

            if (result.IsCompleted)
            {
                Parse(buffer.IsSingleSegment ? Encoding.UTF8.GetString(buffer.FirstSpan) : Encoding.UTF8.GetString(buffer.ToArray()), into);
                body.AdvanceTo(buffer.End);
                return true;
            }

            body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Parses <c>a=1&amp;b=x%2Fy</c> (a leading '?' is skipped); later duplicates win.</summary>
    public static void Parse(string text, Dictionary<string, string> into)
    {
        var span = text.AsSpan();
        if (span.Length > 0 && span[0] == '?')
        {
            span = span[1..];
        }

        while (!span.IsEmpty)
        {
            var amp = span.IndexOf('&');
            var pair = amp < 0 ? span : span[..amp];
            span = amp < 0 ? [] : span[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var key = Decode(eq < 0 ? pair : pair[..eq]);
            if (key.Length > 0)
            {
                into[key] = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
            }
        }
    }

    private static string Decode(ReadOnlySpan<char> encoded)
    {
        if (encoded.IndexOfAny('%', '+') < 0)
        {
            return new string(encoded);
        }

        return Uri.UnescapeDataString(new string(encoded).Replace('+', ' '));
    }
}
