using System.Text;

namespace Harness.Load.Http;

/// <summary>Requests as bytes, built once and sent as often as wanted.</summary>
public sealed partial class RawHttpClient
{
    /// <summary>A GET request: request line, Host, then <paramref name="headers"/>.</summary>
    public static byte[] Get(string host, string pathAndQuery, params (string Name, string Value)[] headers) =>
        Build("GET", host, pathAndQuery, null, [], headers);

    /// <summary>A POST request with a Content-Type and Content-Length.</summary>
    public static byte[] Post(string host, string pathAndQuery, string contentType, ReadOnlySpan<byte> body, params (string Name, string Value)[] headers) =>
        Build("POST", host, pathAndQuery, contentType, body, headers);

    /// <summary>A POST request whose body is <paramref name="body"/> in UTF-8.</summary>
    public static byte[] Post(string host, string pathAndQuery, string contentType, string body, params (string Name, string Value)[] headers) =>
        Build("POST", host, pathAndQuery, contentType, Encoding.UTF8.GetBytes(body), headers);

    /// <summary>A PUT request (Content-Type left out when null; Content-Length always, 0 for an empty body).</summary>
    public static byte[] Put(string host, string pathAndQuery, string? contentType, ReadOnlySpan<byte> body, params (string Name, string Value)[] headers) =>
        Build("PUT", host, pathAndQuery, contentType, body, headers);

    /// <summary>A PUT request whose body is <paramref name="body"/> in UTF-8.</summary>
    public static byte[] Put(string host, string pathAndQuery, string? contentType, string body, params (string Name, string Value)[] headers) =>
        Build("PUT", host, pathAndQuery, contentType, Encoding.UTF8.GetBytes(body), headers);

    private static byte[] Build(string method, string host, string target, string? contentType, ReadOnlySpan<byte> body, (string Name, string Value)[] headers)
    {
        if (!target.StartsWith('/'))
        {
            throw new ArgumentException($"'{target}' is not a path: it must start with '/'", nameof(target));
        }

        var head = new StringBuilder().Append(method).Append(' ').Append(Checked(target, nameof(target))).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(Checked(host, nameof(host))).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            if (name.Length == 0 || name.Any(c => c <= ' ' || c == ':' || c > '~')
                || name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"header name '{name}' is not allowed here", nameof(headers));
            }

            head.Append(name).Append(": ").Append(Checked(value, nameof(headers))).Append("\r\n");
        }

        if (method != "GET")
        {
            if (contentType is not null)
            {
                head.Append("Content-Type: ").Append(Checked(contentType, nameof(contentType))).Append("\r\n");
            }

            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }
        else if (!body.IsEmpty)
        {
            throw new ArgumentException("a GET request has no body", nameof(body));
        }

        head.Append("\r\n");
        var request = new byte[Encoding.Latin1.GetByteCount(head.ToString()) + body.Length];
        var written = Encoding.Latin1.GetBytes(head.ToString(), request);
        body.CopyTo(request.AsSpan(written));
        return request;
    }

    private static string Checked(string text, string parameter) =>
        text.Any(c => c is '\r' or '\n' or '\0' || c > 'ÿ') ? throw new ArgumentException($"'{text}' cannot be sent in a request head", parameter) : text;
}
