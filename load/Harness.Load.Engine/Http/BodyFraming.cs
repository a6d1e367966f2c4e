namespace Harness.Load.Http;

/// <summary>How a reply's body is delimited (RFC 9112 §6.3).</summary>
internal enum BodyFraming
{
    /// <summary>Content-Length bytes.</summary>
    Length,

    /// <summary>Transfer-Encoding: chunked.</summary>
    Chunked,

    /// <summary>No body whatever the headers say: 204 and 304.</summary>
    None,

    /// <summary>Neither: the body runs until the server closes the connection.</summary>
    UntilClose,
}
