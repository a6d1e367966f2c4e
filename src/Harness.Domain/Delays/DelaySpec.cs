using System.Diagnostics.CodeAnalysis;

namespace Harness.Domain.Delays;

/// <summary>
/// Reads delay specs such as <c>mix(0.9:fixed(1s),0.1:lognormal(median=800ms,p99=6s))</c>. Durations are a
/// non-negative decimal with a unit of <c>ms</c>, <c>s</c> or <c>m</c>, at most 24h and at most 100ns fine;
/// names are case-sensitive; whitespace may surround any token but not split one (<c>1500 ms</c> fails).
/// </summary>
public static class DelaySpec
{
    /// <summary>The model names, in the order error messages list them.</summary>
    public static IReadOnlyList<string> KnownModels { get; } =
        ["fixed", "uniform", "normal", "lognormal", "exponential", "pareto", "mix", "never"];

    /// <exception cref="DelaySpecException">The text is not a valid spec.</exception>
    public static DelayModel Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new DelaySpecParser(text).ParseAll();
    }

    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out DelayModel? model,
        [NotNullWhen(false)] out DelaySpecException? error)
    {
        try
        {
            model = new DelaySpecParser(text ?? string.Empty).ParseAll();
            error = null;
            return true;
        }
        catch (DelaySpecException e)
        {
            model = null;
            error = e;
            return false;
        }
    }
}
