using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace Harness.Host;

/// <summary>
/// What is wrong with a command line, in one sentence: an unknown option (with every option the command takes), a
/// stray argument, an option without its value, or the first bad value. harness-load words its problems the same way.
/// </summary>
internal static class ArgumentProblem
{
    /// <summary>Exit code of every command for arguments it cannot use.</summary>
    public const int ExitCode = 2;

    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "-h" or "--help" or "-?");

    public static string Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (parse.UnmatchedTokens.FirstOrDefault() is { } stray)
        {
            // No parent: harness itself.
            if (!command.Parents.Any())
            {
                return $"unknown command '{stray}'; the commands are {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
            }

            return stray.StartsWith('-')
                ? $"unknown option '{stray}'; {command.Name} takes {string.Join(", ", Names(command))}"
                : $"unexpected argument '{stray}'";
        }

        var valueless = parse.CommandResult.Children.OfType<OptionResult>()
            .FirstOrDefault(o => !o.Implicit && o.Tokens.Count == 0 && o.Option.Arity.MinimumNumberOfValues > 0);
        if (valueless is not null)
        {
            return $"{valueless.Option.Name} needs a value";
        }

        var missing = command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && parse.GetResult(a) is not { Tokens.Count: > 0 });
        if (missing is not null)
        {
            return $"{command.Name} needs a <{missing.Name}> argument";
        }

        return parse.Errors[0].Message.TrimEnd('.');
    }

    /// <summary>The command's options as a user types them, --help last.</summary>
    public static IEnumerable<string> Names(Command command) =>
        command.Options.Where(o => !o.Hidden && o is not HelpOption and not VersionOption).Select(o => o.Name).Append("--help");
}
