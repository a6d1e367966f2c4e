using System.Globalization;

namespace Harness.Domain.Delays;

/// <summary>The tokens of a delay spec, read left to right; every error carries the index of the token that broke it.</summary>
internal sealed class DelaySpecReader(string text)
{
    private const string DurationExample = "a duration such as 1500ms, 2s or 1m";

    private int position;

    /// <summary>Where the next token is read from.</summary>
    public int Position => position;

    public TimeSpan ReadNamedDuration(string name, out int valueAt)
    {
        ExpectName(name);
        return ReadDuration(out valueAt);
    }

    public void ExpectName(string name)
    {
        var start = SkipWhitespace();
        if (ReadWord() != name)
        {
            throw Expected($"'{name}='", start);
        }

        Expect('=');
    }

    public TimeSpan ReadDuration(out int start)
    {
        start = SkipWhitespace();
        var number = ScanNumber();
        var unit = ReadWord();
        var (ticksPerUnit, unitMax) = unit switch
        {
            "ms" => (TimeSpan.TicksPerMillisecond, 86_400_000m),
            "s" => (TimeSpan.TicksPerSecond, 86_400m),
            "m" => (TimeSpan.TicksPerMinute, 1_440m),
            _ => (0L, 0m),
        };
        if (number.IsEmpty || ticksPerUnit == 0)
        {
            throw Expected(DurationExample, start);
        }

        var token = text[start..position];
        var fraction = number.IndexOf('.') is var dot and >= 0 ? number[(dot + 1)..].TrimEnd('0') : [];
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value > unitMax)
        {
            throw Invalid($"duration {token} is longer than the maximum of {DelayFormat.Duration(DelayModel.MaxDuration)}", start);
        }

        var ticks = value * ticksPerUnit;
        if (fraction.Length > 9 || ticks != decimal.Truncate(ticks))
        {
            throw Invalid($"duration {token} is finer than the 100ns resolution", start);
        }

        return TimeSpan.FromTicks((long)ticks);
    }

    public double ReadNumber(string what, out int start)
    {
        start = SkipWhitespace();
        var number = ScanNumber();
        return number.IsEmpty ? throw Expected(what, start) : double.Parse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    /// <summary>Digits with an optional fraction (<c>1</c>, <c>1.5</c>; not <c>.5</c> or <c>1.</c>); empty, consuming nothing, otherwise.</summary>
    private ReadOnlySpan<char> ScanNumber()
    {
        var start = position;
        var end = SkipDigits(start);
        if (end > start && end < text.Length && text[end] == '.')
        {
            var fractionEnd = SkipDigits(end + 1);
            end = fractionEnd == end + 1 ? start : fractionEnd;
        }

        if (end == start)
        {
            return [];
        }

        position = end;
        return text.AsSpan(start, end - start);
    }

    private int SkipDigits(int from)
    {
        while (from < text.Length && char.IsAsciiDigit(text[from]))
        {
            from++;
        }

        return from;
    }

    /// <summary>A letter followed by letters or digits (<c>p99</c>); empty when no letter is next.</summary>
    public string ReadWord()
    {
        var start = position;
        if (position < text.Length && char.IsAsciiLetter(text[position]))
        {
            while (position < text.Length && char.IsAsciiLetterOrDigit(text[position]))
            {
                position++;
            }
        }

        return text[start..position];
    }

    /// <summary>The longest run of characters that <paramref name="accept"/> takes, from where the reader stands.</summary>
    public string ReadWhile(Func<char, bool> accept)
    {
        var start = position;
        while (position < text.Length && accept(text[position]))
        {
            position++;
        }

        return text[start..position];
    }

    /// <summary>The next character after whitespace, or '\0' at the end.</summary>
    public char Peek() => SkipWhitespace() < text.Length ? text[position] : '\0';

    public void Expect(char c, string? what = null)
    {
        if (!TryConsume(c))
        {
            throw Expected(what ?? $"'{c}'", position);
        }
    }

    public bool TryConsume(char c)
    {
        SkipWhitespace();
        if (position < text.Length && text[position] == c)
        {
            position++;
            return true;
        }

        return false;
    }

    /// <summary>Moves past whitespace and returns where the next token starts.</summary>
    public int SkipWhitespace()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }

    public bool IsBlank => string.IsNullOrWhiteSpace(text);

    public void ExpectEnd()
    {
        if (SkipWhitespace() < text.Length)
        {
            throw Expected("end of input", position);
        }
    }

    public DelaySpecException Expected(string what, int at) => new($"expected {what} at position {at}, found {Found(at)}", at);

    public static DelaySpecException Invalid(string problem, int at) => new($"{problem} at position {at}", at);

    /// <summary>The token at <paramref name="at"/>: a run of letters, digits and dots, or else one character.</summary>
    private string Found(int at)
    {
        if (at >= text.Length)
        {
            return "end of input";
        }

        var end = at;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '.'))
        {
            end++;
        }

        return $"'{text[at..Math.Max(end, at + 1)]}'";
    }
}
