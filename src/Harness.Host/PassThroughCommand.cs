namespace Harness.Host;

/// <summary>
/// A command of the harness command line that harness does not parse: its arguments go, as typed, to an entry point
/// of its own in this process. The .NET tool's <c>harness load</c> is one (harness-load's command line).
/// </summary>
/// <param name="Name">The word that selects it, after <c>harness</c>.</param>
/// <param name="Description">Its line in <c>harness --help</c>.</param>
/// <param name="RunAsync">Runs the arguments after <paramref name="Name"/> and returns the exit code.</param>
public sealed record PassThroughCommand(string Name, string Description, Func<string[], Task<int>> RunAsync);
