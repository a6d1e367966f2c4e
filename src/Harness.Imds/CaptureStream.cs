using System.Text;

namespace Harness.Imds;

/// <summary>Passes a reply through to <see cref="Inner"/> and keeps its first 4 KiB, for a registered client's record.</summary>
internal sealed class CaptureStream(Stream inner) : Stream
{
    private const int Limit = 4096;
    private readonly MemoryStream kept = new();

    public Stream Inner { get; } = inner;

    public string Text => Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Keep(buffer);
        Inner.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Keep(buffer.Span);
        return Inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => Inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        var room = Limit - (int)kept.Length;
        if (room > 0)
        {
            kept.Write(bytes[..Math.Min(room, bytes.Length)]);
        }
    }
}
