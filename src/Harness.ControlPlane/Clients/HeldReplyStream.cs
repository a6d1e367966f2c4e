using System.Text;

namespace Harness.ControlPlane.Clients;

/// <summary>
/// Holds a registered client's reply until it is recorded: nothing reaches <see cref="Inner"/> (not even the headers,
/// which the first write or flush would send) before <see cref="ReleaseAsync"/>. So a client can never act on a reply
/// whose record is not yet there, and a scenario that asks for the records after seeing the client exit finds every
/// reply the client saw. Keeps the first 4 KiB as text for the record.
/// </summary>
public sealed class HeldReplyStream(Stream inner) : Stream
{
    private const int TextLimit = 4096;
    private readonly MemoryStream held = new();

    public Stream Inner { get; } = inner;

    public string Text => Encoding.UTF8.GetString(held.GetBuffer(), 0, (int)Math.Min(held.Length, TextLimit));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => held.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => held.Write(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        held.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        held.Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    /// <summary>Held until the release: a flush would send the headers.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends what was held, once the record is written.</summary>
    public Task ReleaseAsync(CancellationToken cancellation) =>
        held.Length == 0 ? Task.CompletedTask : Inner.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellation).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
