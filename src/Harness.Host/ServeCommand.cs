using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Harness.ControlPlane;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Delays;
using Harness.Domain.Faults;
using Harness.Ec2;
using Harness.Ecs;
using Harness.Host.Hardening;

namespace Harness.Host;

/// <summary>
/// <c>serve [--ec2-port 4580] [--imds-port 4581] [--ecs-port 4582] [--ecs-transition SPEC] [--seed N] [--propagation SPEC] [--fault SPEC]… [--ec2-throttling]
/// [--terminated-retention 1h] [--vcpu-limit N] [--verify-signatures --credentials KEY:SECRET[,…] | --credentials-file PATH]
/// [--public-url URL] [--public-imds-url URL] [--control-token TOKEN] [--max-connections N] [--orleans-dashboard]
/// [--cluster redis://HOST:PORT [--cluster-id NAME] [--silo-port N] [--gateway-port N]]</c>: runs the harness until Ctrl-C.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var ec2Port = CommandOptions.Port("--ec2-port", 4580, "Port of the EC2 facade and control API on 127.0.0.1");
        var imdsPort = CommandOptions.Port("--imds-port", 4581, "Port of the instance metadata service");
        // 0 takes a free port (the banner says which): test hosts that start many harnesses need no port of their own for it.
        var ecsPort = CommandOptions.Whole("--ecs-port", 4582, 0, 65535, "Port of the Alibaba Cloud ECS and VPC APIs on 127.0.0.1 (0: a free one)", "a port number");
        var ecsTransition = new Option<string>("--ecs-transition")
        {
            Description = $"How long Alibaba resources stay Attaching, Detaching, Deleting, Pending, Starting or Stopping: a delay spec (default {EcsOptions.DefaultTransitionSpec})",
            DefaultValueFactory = _ => EcsOptions.DefaultTransitionSpec,
        };
        ecsTransition.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>() ?? "";
            if (!DelaySpec.TryParse(text, out _, out var error))
            {
                result.AddError("--ecs-transition: " + ControlApi.Pointed(error.Message, text, error.Position));
            }
        });
        var seed = CommandOptions.Whole("--seed", 1, 0, int.MaxValue, "Seed of every random choice (ids, MACs, zones, propagation delays; never secrets such as IMDSv2 tokens)");
        var listenAny = new Option<bool>("--listen-any")
        {
            Description = "Listen on every network interface, not only loopback (for containers; also HARNESS_LISTEN_ANY=1)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HARNESS_LISTEN_ANY") == "1",
        };

        var propagation = new Option<string>("--propagation")
        {
            Description = $"Delay before a change reaches instances' metadata, e.g. fixed(1500ms), uniform(100ms,900ms), never (default {PropagationSettings.DefaultSpec}; also HARNESS_PROPAGATION)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HARNESS_PROPAGATION") is { Length: > 0 } spec ? spec : PropagationSettings.DefaultSpec,
        };
        propagation.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>() ?? "";
            if (!DelaySpec.TryParse(text, out _, out var error))
            {
                result.AddError("--propagation: " + ControlApi.Pointed(error.Message, text, error.Position));
            }
        });

        var fault = new Option<string[]>("--fault")
        {
            Description = "A fault in force from the start and after every reset, e.g. \"imds-error(status=503, rate=30%)\" or \"ec2-latency(delay=uniform(50ms,300ms), action=Describe*)\"; repeatable (kinds: " + string.Join(", ", FaultKinds.All) + ")",
            AllowMultipleArgumentsPerToken = false,
        };
        fault.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!FaultSpec.TryParse(text, out _, out var error, Ec2ApiEndpoints.Actions, EcsApiEndpoints.Actions))
                {
                    result.AddError("--fault: " + ControlApi.Pointed(error!.Message, text, error.Position));
                }
            }
        });
        var throttling = new Option<bool>("--ec2-throttling")
        {
            Description = "Throttle the EC2 API with EC2's own token buckets (RequestLimitExceeded, HTTP 503); the same as --fault ec2-throttle",
        };

        var retention = new Option<string>("--terminated-retention")
        {
            Description = "How long a terminated instance is still listed before it is forgotten everywhere, e.g. 1h, 10m, 0s (default 1h, as EC2)",
            DefaultValueFactory = _ => "1h",
        };
        retention.Validators.Add(result =>
        {
            if (!DurationText.TryParse(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError($"--terminated-retention must be a whole number with ms, s, m or h, at most {DurationText.Max.TotalDays:N0} days, not '{result.GetValueOrDefault<string>()}'.");
            }
        });
        var vcpuLimit = CommandOptions.Whole(
            "--vcpu-limit", HarnessOptions.DefaultVcpuLimit, 0, int.MaxValue,
            $"vCPUs running instances may hold per region and instance bucket; past it RunInstances and StartInstances answer VcpuLimitExceeded (default {HarnessOptions.DefaultVcpuLimit})");

        var publicUrl = CommandOptions.Url(
            "--public-url", "The base URL the harness is reached at beyond loopback, e.g. http://harness:4580: its host is a Host the control API answers (also HARNESS_PUBLIC_URL)",
            Environment.GetEnvironmentVariable("HARNESS_PUBLIC_URL") is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : null);
        var publicImdsUrl = CommandOptions.Url(
            "--public-imds-url", "Where the metadata port is reached from outside when it is published on another number, e.g. http://127.0.0.1:32769: the base of each instance's metadataUrl (also HARNESS_PUBLIC_IMDS_URL)",
            Environment.GetEnvironmentVariable("HARNESS_PUBLIC_IMDS_URL") is { Length: > 0 } imdsUrl && Uri.TryCreate(imdsUrl, UriKind.Absolute, out var parsedImds) ? parsedImds : null);
        var controlToken = new Option<string?>("--control-token")
        {
            Description = "Require Authorization: Bearer <token> on the control API (also HARNESS_CONTROL_TOKEN); with --listen-any one is generated and printed if none is given",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HARNESS_CONTROL_TOKEN") is { Length: > 0 } token ? token : null,
        };
        var maxConnections = CommandOptions.OptionalWhole(
            "--max-connections", 16, 1_000_000, "Connections each listener holds at once (default and most: what fits the open-file limit less a reserve); past it silent ones make way, then new ones are refused");

        var dashboard = new Option<bool>("--orleans-dashboard")
        {
            Description = $"Serve Orleans' dashboard (grain counts, call rates) on the control port under {HarnessApp.DashboardPath}/; it profiles every grain call while on",
        };

        var signatures = new SignatureOptions();
        var clusterFlags = new ClusterFlags();
        var command = new Command("serve", "Serve the EC2 facade, the control API and every instance's metadata on the embedded in-memory store")
        {
            ec2Port, imdsPort, ecsPort, ecsTransition, seed, listenAny, propagation, fault, throttling, retention, vcpuLimit, publicUrl, publicImdsUrl, controlToken, maxConnections, dashboard,
        };
        signatures.AddTo(command);
        clusterFlags.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var (files, hardFiles) = FileLimit.Raise();
            if (parse.GetValue(maxConnections) is { } asked && asked > ConnectionLimits.Largest(files))
            {
                // Past the open-file limit a flood would take the descriptors the runtime needs, and the process dies.
                Console.Error.WriteLine($"harness serve: --max-connections {asked} does not fit the open-file limit {files}: "
                    + $"at most {ConnectionLimits.Largest(files)} per listener (raise the limit with ulimit -n)");
                return ArgumentProblem.ExitCode;
            }

            var anywhere = parse.GetValue(listenAny);

            // Beyond loopback anyone on the network could reset the harness or inject faults: never without a token.
            var given = parse.GetValue(controlToken) is { Length: > 0 } text ? text : null;
            var token = given ?? (anywhere ? ControlToken.Generate() : null);
            var options = new HarnessHostOptions(parse.GetValue(ec2Port), parse.GetValue(imdsPort), parse.GetValue(seed), anywhere)
            {
                EcsPort = parse.GetValue(ecsPort),
                Ecs = new EcsOptions { Transition = DelaySpec.Parse(parse.GetValue(ecsTransition)!) },
                PublicUrl = parse.GetValue(publicUrl),
                PublicImdsUrl = parse.GetValue(publicImdsUrl),
                ControlToken = token,
                MaxConnections = parse.GetValue(maxConnections),
                Propagation = PropagationSettings.Of(DelaySpec.Parse(parse.GetValue(propagation)!)),
                Faults = [
                    .. (parse.GetValue(fault) ?? []).Select(text => FaultSpec.Parse(text, Ec2ApiEndpoints.Actions, EcsApiEndpoints.Actions)),
                    .. parse.GetValue(throttling) ? [FaultSpec.Parse(FaultKinds.Ec2Throttle)] : Array.Empty<FaultSpec>(),
                ],
                TerminatedRetention = DurationText.TryParse(parse.GetValue(retention), out var kept) ? kept : TimeSpan.FromHours(1),
                VcpuLimit = parse.GetValue(vcpuLimit),
                OrleansDashboard = parse.GetValue(dashboard),
            };
            options = clusterFlags.Apply(parse, signatures.Apply(parse, options));

            // Before the silo starts: its port clashing with a live silo's would get that silo declared dead by membership.
            if (options.Cluster is { } joining && await ClusterPreflightAsync(joining, anywhere) is { } blocked)
            {
                Console.Error.WriteLine($"harness could not start: {blocked}");
                return 1;
            }

            // Before the first socket: requests then reach Kestrel without a hand-off to the thread pool on the way.
            InlineSocketCompletions.Enable();
            await using var app = HarnessApp.Build(options);
            try
            {
                await app.StartAsync(cancellation);
            }
            catch (IOException error)
            {
                // Most often a port in use: say so in one line, not with a stack trace.
                Console.Error.WriteLine($"harness could not start: {error.Message}");
                return 1;
            }
            catch (Exception error) when (options.Cluster is not null && ClusterStartProblem(error, options.Cluster) is { } problem)
            {
                Console.Error.WriteLine($"harness could not start: {problem}");
                return 1;
            }

            var ec2Url = app.Ec2Url;
            Console.WriteLine($"""
                harness is serving (seed {options.Seed})
                  EC2 API:      {ec2Url}/
                  ECS/VPC API:  {app.EcsUrl}/  (Alibaba Cloud, RegionId cn-hangzhou and others)
                  control API:  {ec2Url}/_harness/  (health, reset, instances, propagation, events, clients, faults)
                  metadata:     port {app.ImdsPort}, one address per instance (imdsEndpoint in GET {ec2Url}/_harness/instances/<id>)
                                tools: {app.ImdsBaseUrl}/latest/meta-data/ with header X-Harness-Instance-Id
                  propagation:  {options.Propagation.Imds}
                  limits:       {options.VcpuLimit:N0} vCPUs per instance bucket; terminated instances forgotten after {DelayFormat.Duration(options.TerminatedRetention)}
                  faults:       {(options.Faults.Count == 0 ? "none (add with --fault or POST /_harness/faults)" : string.Join("\n                ", options.Faults))}
                  signatures:   {SignatureOptions.Describe(options)}
                  connections:  {app.Limits.PerListener} per listener (open-file limit {files}, hard {hardFiles})
                  control:      {ControlAccess(options, generated: given is null)}{await ClusterLineAsync(app, options)}

                point a client at it:
                  export AWS_ENDPOINT_URL_EC2={ec2Url}
                  export AWS_ACCESS_KEY_ID={(options.VerifySignatures ? options.Credentials.Keys.First() : "AKIDEXAMPLE")}
                  export AWS_SECRET_ACCESS_KEY={(options.VerifySignatures ? "<its secret from --credentials>" : "harness-secret")}
                  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
                  export AWS_EC2_METADATA_SERVICE_ENDPOINT=<the instance's imdsEndpoint>

                Ctrl-C stops it.
                """);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
            Console.WriteLine("harness stopped");
            return 0;
        });
        return command;
    }

    /// <summary>The banner's cluster lines (none when the harness runs alone): where membership is, and what is not shared yet.</summary>
    private static async Task<string> ClusterLineAsync(HarnessApplication app, HarnessHostOptions options)
    {
        if (options.Cluster is not { } cluster)
        {
            return "";
        }

        var report = await app.Services.GetRequiredService<ClusterMembers>().ReportAsync();
        var active = report.Silos.Count(s => s.Status == "active");
        return $"\n  cluster:      '{cluster.ClusterId}' in {cluster.Redis}: silo port {cluster.SiloPort}, gateway port {cluster.GatewayPort}; {active} silo{(active == 1 ? "" : "s")} active"
            + $"\n  state:        {(cluster.State is { } state ? $"in {state}: it outlives this process" : "in memory: a process's grains lose theirs when it dies (--state redis://… keeps it)")}"
            + "\n                " + ControlApi.PerProcess;
    }

    /// <summary>
    /// Why this process cannot join, checked before its silo starts, or null: Redis must answer, and the silo and gateway
    /// ports must be free. Orleans would start on a port another silo of the cluster holds and, by the same address with a
    /// newer generation, have that live silo declared dead (tried: it kills the other process).
    /// </summary>
    private static async Task<string?> ClusterPreflightAsync(ClusterSettings cluster, bool anywhere)
    {
        foreach (var (flag, port) in new[] { ("--silo-port", cluster.SiloPort), ("--gateway-port", cluster.GatewayPort) })
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(anywhere ? IPAddress.Any : IPAddress.Loopback, port));
                probe.Listen();
            }
            catch (SocketException error)
            {
                return $"{flag} {port} is not free ({error.Message}): give each process of a cluster its own silo and gateway ports";
            }
        }

        return await cluster.Redis.ProbeAsync() ?? (cluster.State is { } state ? (await state.ProbeAsync())?.Replace("the cluster's Redis", "the state's Redis (--state)") : null);
    }

    /// <summary>One line for what stops a cluster process at start (Redis unreachable, settings refused), or null for anything else.</summary>
    private static string? ClusterStartProblem(Exception error, ClusterSettings cluster)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ClusterJoinRefusedException refused:
                    return refused.Message;
                case StackExchange.Redis.RedisConnectionException:
                    return $"cannot reach the cluster's Redis at {cluster.Redis} ({e.Message.Split('\n')[0]})";
                case TimeoutException or OrleansException:
                    return $"cluster '{cluster.ClusterId}' did not answer while this process joined: {e.Message.Split('\n')[0]}";
                case SocketException socket when socket.SocketErrorCode == SocketError.AddressAlreadyInUse:
                    return $"--silo-port {cluster.SiloPort} or --gateway-port {cluster.GatewayPort} is in use ({e.Message})";
            }
        }

        return null;
    }

    /// <summary>Who the control API answers. A token the user chose is not echoed into logs; a generated one must be, or no one could use it.</summary>
    private static string ControlAccess(HarnessHostOptions options, bool generated)
    {
        var hosts = "Host localhost, 127.x.x.x, [::1]" + (options.PublicUrl is { } url ? ", " + url.IdnHost : "") + (options.ListenAny ? " or any IP" : "");
        return options.ControlToken is { } token
            ? $"{hosts}; {(generated ? "generated token " + token : "the token given")}\n                (send Authorization: Bearer <token>; tools take --control-token or HARNESS_CONTROL_TOKEN)"
            : $"{hosts}; no token (POST and PUT say Content-Type: application/json)";
    }
}
