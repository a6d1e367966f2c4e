using System.CommandLine;
using System.CommandLine.Help;

namespace Harness.Host;

/// <summary>The <c>harness</c> command line.</summary>
internal static class HarnessCommands
{
    /// <summary>
    /// The root command, named <c>harness</c> rather than after the entry assembly as a RootCommand would be: the .NET
    /// tool's entry assembly is Harness.Tool, and its help must still say <c>harness</c>.
    /// </summary>
    public static Command Create()
    {
        var root = new Command("harness", "Network-emulation test harness for cloud instance networking (EC2 API facade and control API).")
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        return root;
    }
}
