using Harness.Scenarios.Model;
using Harness.Scenarios.Reports;

namespace Harness.Scenarios.Running;

/// <summary>Running programs under test on an instance, with endpoints of their own so that what they do is recorded.</summary>
public sealed partial class ScenarioRunner
{
    /// <summary>The clients the run registered, unregistered at its end: each holds an alias address and its records.</summary>
    private readonly List<string> registeredClients = [];

    /// <summary>The channel a client's API calls are recorded on: <c>ec2</c>, or <c>ecs</c> in an Alibaba scenario.</summary>
    private string ApiChannel => IsAlibaba ? "ecs" : "ec2";

    private async Task RunClientAsync(ClientStep step)
    {
        var instanceId = instanceIds[step.Instance];
        if ((await control.InstanceAsync(instanceId, Token))?.State is not "running" and var state)
        {
            throw new StepException($"{step.Instance} ({instanceId}) is {state ?? "gone"}: nothing runs on it.");
        }

        var registration = await control.RegisterClientAsync(step.Name, instanceId, Token);
        lock (gate)
        {
            registeredClients.Add(registration.Id);
        }

        var metadataEndpoint = registration.MetadataEndpointForClient;

        // An Alibaba client's ECS calls go to its own recorded endpoint beside its EC2 one (…/clients/<id>/ecs).
        var apiEndpoint = IsAlibaba ? registration.Ec2Endpoint[..registration.Ec2Endpoint.LastIndexOf('/')] + "/ecs" : registration.Ec2Endpoint;
        var environment = IsAlibaba ? new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ALIBABA_CLOUD_ECS_ENDPOINT"] = apiEndpoint,
            ["ALIBABA_CLOUD_METADATA_ENDPOINT"] = metadataEndpoint,
            ["ALIBABA_CLOUD_REGION_ID"] = scenario.Region,
            ["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "LTAI5tHarnessExample",
            ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = "harness-secret",
            ["HARNESS_INSTANCE_ID"] = instanceId,
            ["HARNESS_CLIENT_NAME"] = step.Name,
        }
        : new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_ENDPOINT_URL_EC2"] = registration.Ec2Endpoint,
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = metadataEndpoint,
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] = "IPv4",
            ["AWS_REGION"] = scenario.Region,
            ["AWS_DEFAULT_REGION"] = scenario.Region,
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "harness-secret",
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            ["AWS_PAGER"] = "",
            ["HARNESS_INSTANCE_ID"] = instanceId,
            ["HARNESS_CLIENT_NAME"] = step.Name,
        };
        foreach (var (key, value) in step.Environment)
        {
            environment[key] = value;
        }

        // One clock for the verdict: the harness's. The client starts after its registration and ends at the mark the
        // harness makes when its exit is seen, and every reply it read was recorded before it left; so which reads came
        // before the end is fixed by the order of the records, not by comparing two clocks.
        var start = Seconds(registration.RegisteredAt);
        var ended = (DateTimeOffset?)null;
        var seenExit = (TimeSpan?)null;
        progress.Line(clock.Elapsed, "▶", $"client {step.Name} on {step.Instance} ({instanceId}): {step.Run}");
        var result = await ClientProcess.RunAsync(step.Run, scenario.Directory, environment, step.Timeout,
            line => progress.Line(seenExit is { } exit && exit < clock.Elapsed ? exit : clock.Elapsed, "│", $"{step.Name}: {line}"),
            async () =>
            {
                seenExit = clock.Elapsed;
                ended = await control.EndClientAsync(registration.Id, CancellationToken.None);
            },
            Token);

        var end = Seconds(ended!.Value);
        var records = await control.ClientRecordsAsync(registration.Id, CancellationToken.None);
        var calls = records.Records.Select(r => new CallReport(
            Seconds(r.At), r.Channel, r.Method, r.Target, r.Status, r.Error, r.Body, r.Milliseconds, r.Current, r.Fault, r.AfterEnd)).ToList();
        var report = new ClientReport(step.Name, step.Instance, instanceId, step.Run, start, end, result.ExitCode,
            result.TimedOut, result.Stdout, result.Stderr, calls, records.Dropped, metadataEndpoint, apiEndpoint,
            result.Ran.TotalSeconds);
        lock (gate)
        {
            clients[step.Name] = report;
        }

        var outcome = result switch
        {
            { TimedOut: true } => $"timed out after {Durations.Format(step.Timeout)} and was killed",
            { Cancelled: true } => "was stopped: the run was cancelled",
            _ => $"exited {result.ExitCode}",
        };
        progress.Line(TimeSpan.FromSeconds(Math.Max(end, seenExit!.Value.TotalSeconds)), "■", $"client {step.Name} {outcome} after {Durations.Format(result.Ran)} "
            + $"({Count(calls.Count(c => c.Channel == ApiChannel), $"{ApiChannel.ToUpperInvariant()} call")}, {Count(calls.Count(c => c.Channel == "imds"), "metadata request")})");
        Record(step, new StepReport(step.Mark.Line, step.Describe(), start, end, result.Cancelled ? "interrupted" : "ok", outcome));
        Token.ThrowIfCancellationRequested();
    }
}
