using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Harness.Host;

/// <summary>
/// Options whose bad values are one plain sentence naming the option (<see cref="ArgumentProblem"/> prints it), the
/// same sentences harness-load uses, instead of a conversion error or an exception from a validator.
/// </summary>
internal static class CommandOptions
{
    public static Option<int> Port(string name, int defaultValue, string description) =>
        Whole(name, defaultValue, 1, 65535, description, "a port number");

    public static Option<int> Whole(string name, int defaultValue, int min, int max, string description, string what = "a whole number") =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ReadWhole(result, min, max, what) ?? defaultValue,
        };

    public static Option<int?> OptionalWhole(string name, int min, int max, string description) =>
        new(name) { Description = description, CustomParser = result => ReadWhole(result, min, max, "a whole number") };

    /// <summary>A harness's base URL: absolute, http or https.</summary>
    public static Option<Uri?> Url(string name, string description, Uri? defaultValue = null)
    {
        var option = new Option<Uri?>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
                {
                    return url;
                }

                result.AddError($"{OptionName(result)} must be the harness's base URL, such as http://127.0.0.1:4580, not '{text}'.");
                return null;
            },
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        return option;
    }

    /// <summary>
    /// The control token a tool sends as <c>Authorization: Bearer</c> to a harness that requires one (<c>serve</c>
    /// prints it under <c>--listen-any</c>); HARNESS_CONTROL_TOKEN when not given.
    /// </summary>
    public static Option<string?> ControlToken() => new("--control-token")
    {
        Description = "The harness's control token, sent as Authorization: Bearer (default HARNESS_CONTROL_TOKEN)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HARNESS_CONTROL_TOKEN") is { Length: > 0 } token ? token : null,
    };

    /// <summary>Restricts a string option to a few words, said as "--clock must be real or virtual, not 'x'".</summary>
    public static void OneOf(Option<string?> option, params string[] words) => option.Validators.Add(result =>
    {
        var text = result.Tokens.Count == 0 ? null : result.Tokens[0].Value;
        if (text is not null && !words.Contains(text, StringComparer.Ordinal))
        {
            result.AddError($"{option.Name} must be {string.Join(" or ", words)}, not '{text}'.");
        }
    });

    private static int? ReadWhole(ArgumentResult result, int min, int max, string what)
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{OptionName(result)} must be {what} from {min} to {max}, not '{text}'.");
        return null;
    }

    private static string OptionName(ArgumentResult result) => (result.Parent as OptionResult)?.Option.Name ?? result.Argument.Name;
}
