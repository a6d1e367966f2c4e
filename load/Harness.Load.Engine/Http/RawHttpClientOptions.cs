using System.Net;

namespace Harness.Load.Http;

/// <summary>How a <see cref="RawHttpClient"/> connects and how much it will read.</summary>
public sealed record RawHttpClientOptions
{
    public static RawHttpClientOptions Default { get; } = new();

    /// <summary>
    /// The address the client's end of every connection is bound to (port chosen by the system); null lets the system
    /// pick. The server then sees requests come from this address.
    /// </summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>Each connection's read buffer; a reply head (or a chunk-size line) larger than this grows it up to <see cref="MaxHeadBytes"/>.</summary>
    public int BufferSize { get; init; } = 8 * 1024;

    /// <summary>The largest reply head accepted; a larger one fails the request with an <see cref="InvalidDataException"/>.</summary>
    public int MaxHeadBytes { get; init; } = 64 * 1024;
}
