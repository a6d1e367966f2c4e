namespace Harness.Domain.Delays;

/// <summary>A delay spec that does not parse: the message says what was expected, <see cref="Position"/> where.</summary>
public sealed class DelaySpecException(string message, int position) : FormatException(message)
{
    /// <summary>The 0-based index in the spec text of the offending token (the text's length when input ran out).</summary>
    public int Position { get; } = position;
}
