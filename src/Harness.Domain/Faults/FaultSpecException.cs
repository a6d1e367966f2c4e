namespace Harness.Domain.Faults;

/// <summary>A fault spec that does not parse: the message says what was expected, <see cref="Position"/> where.</summary>
public sealed class FaultSpecException(string message, int position) : FormatException(message)
{
    /// <summary>The 0-based index in the spec text of the offending token (the text's length when input ran out).</summary>
    public int Position { get; } = position;
}
