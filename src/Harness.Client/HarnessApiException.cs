using System.Net;

namespace Harness.Client;

/// <summary>
/// The control API refused a call: its HTTP status and the <c>application/problem+json</c> document it answered with
/// (<see cref="Title"/>, <see cref="Detail"/>), or the body as it came when it was not one.
/// </summary>
public sealed class HarnessApiException : Exception
{
    public HarnessApiException(string method, string path, HttpStatusCode status, string? title, string? detail, string body)
        : base($"{method} {path} answered {(int)status}{(title is null ? "" : " " + title)}: {detail ?? body}")
    {
        Method = method;
        Path = path;
        Status = status;
        Title = title;
        Detail = detail;
        Body = body;
    }

    public string Method { get; }

    public string Path { get; }

    public HttpStatusCode Status { get; }

    public string? Title { get; }

    public string? Detail { get; }

    public string Body { get; }
}
