using System.CommandLine;

namespace Harness.Host;

/// <summary>The <c>harness</c> command line.</summary>
internal static class HarnessCommands
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Network-emulation test harness for cloud instance networking (EC2 API facade and control API).");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        return root;
    }
}
