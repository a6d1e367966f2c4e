namespace Harness.Load.Http;

/// <summary>What of a reply <see cref="RawHttpClient.SendAsync(ReadOnlyMemory{byte}, ReplyParts, CancellationToken)"/> keeps.</summary>
public enum ReplyParts
{
    /// <summary>Status, head and body: one array per reply.</summary>
    All,

    /// <summary>The status and the body's length only: the body is read and dropped, and nothing is allocated.</summary>
    StatusOnly,
}
