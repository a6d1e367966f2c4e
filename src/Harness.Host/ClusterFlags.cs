using System.CommandLine;
using Harness.ControlPlane.Cluster;

namespace Harness.Host;

/// <summary>
/// <c>serve --cluster redis://HOST:PORT[/DB] [--cluster-id NAME] [--silo-port N] [--gateway-port N] [--state redis://…]</c>:
/// this process as one silo of an Orleans cluster whose membership is in Redis, its grains' state in memory or in Redis.
/// Without <c>--cluster</c> the harness runs alone, as always, and the other flags are refused in one sentence.
/// </summary>
internal sealed class ClusterFlags
{
    private readonly Option<string?> cluster = new("--cluster")
    {
        Description = "Join a cluster of harness processes whose membership is in this Redis: redis://HOST:PORT[/DB] (Orleans' Redis clustering)",
    };

    private readonly Option<string?> clusterId = new("--cluster-id")
    {
        Description = $"The cluster's name, so that several clusters can share one Redis (default {ClusterSettings.DefaultClusterId}; with --cluster)",
    };

    private readonly Option<string?> state = new("--state")
    {
        Description = "Keep grain state in this Redis, so that it outlives a process killed with kill -9: redis://HOST:PORT[/DB] (Orleans' Redis persistence; with --cluster)",
    };

    private readonly Option<int> siloPort = CommandOptions.Port(
        "--silo-port", ClusterSettings.DefaultSiloPort, $"Port silos talk to each other on (default {ClusterSettings.DefaultSiloPort}; with --cluster)");

    private readonly Option<int> gatewayPort = CommandOptions.Port(
        "--gateway-port", ClusterSettings.DefaultGatewayPort, $"Port Orleans clients connect to (default {ClusterSettings.DefaultGatewayPort}; with --cluster)");

    public void AddTo(Command command)
    {
        command.Options.Add(cluster);
        command.Options.Add(clusterId);
        command.Options.Add(siloPort);
        command.Options.Add(gatewayPort);
        command.Options.Add(state);
        command.Validators.Add(result =>
        {
            if (result.GetResult(cluster) is null)
            {
                var stray = new Option[] { clusterId, siloPort, gatewayPort, state }.FirstOrDefault(o => result.GetResult(o) is { Implicit: false });
                if (stray is not null)
                {
                    result.AddError($"{stray.Name} is used only with --cluster redis://HOST:PORT");
                }

                return;
            }

            if (!RedisUrl.TryParse(result.GetValue(cluster), out _, out var error))
            {
                result.AddError("--cluster: " + error);
            }

            if (result.GetResult(state) is not null && !RedisUrl.TryParse(result.GetValue(state), out _, out var stateError))
            {
                result.AddError("--state: " + stateError);
            }

            if (result.GetValue(clusterId) is { } name && !ClusterSettings.IsValidClusterId(name))
            {
                result.AddError($"--cluster-id must be 1 to 64 letters, digits, '-', '_' or '.', not '{name}'");
            }

            // A port that did not parse has its own error; one not given is its default (a validator sees no value for it).
            if (Port(result, siloPort, ClusterSettings.DefaultSiloPort) is { } silo && silo == Port(result, gatewayPort, ClusterSettings.DefaultGatewayPort))
            {
                result.AddError($"--silo-port and --gateway-port must differ (both {silo})");
            }
        });
    }

    private static int? Port(System.CommandLine.Parsing.CommandResult result, Option<int> option, int defaultPort)
    {
        if (result.GetResult(option) is not { Implicit: false } given)
        {
            return defaultPort;
        }

        try
        {
            return given.GetValueOrDefault<int>();
        }
        catch (InvalidOperationException)
        {
            // Its parser refused it and said why.
            return null;
        }
    }

    /// <summary>The options with what was parsed (the validator has already refused anything unreadable).</summary>
    public HarnessHostOptions Apply(ParseResult parse, HarnessHostOptions options) =>
        RedisUrl.TryParse(parse.GetValue(cluster), out var redis, out _)
            ? options with
            {
                Cluster = new ClusterSettings(
                    redis, parse.GetValue(clusterId) ?? ClusterSettings.DefaultClusterId, parse.GetValue(siloPort), parse.GetValue(gatewayPort),
                    RedisUrl.TryParse(parse.GetValue(state), out var store, out _) ? store : null),
            }
            : options;
}
