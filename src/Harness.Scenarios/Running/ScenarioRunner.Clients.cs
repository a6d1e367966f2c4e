using Harness.Scenarios.Model;
using Harness.Scenarios.Reports;

namespace Harness.Scenarios.Running;

/// <summary>Running programs under test on an instance, with endpoints of their own so that what they do is recorded.</summary>
public sealed partial class ScenarioRunner
{
    private async Task RunClientAsync(ClientStep step)
    {
        var instanceId = instanceIds[step.Instance];
        if ((await control.InstanceAsync(instanceId, Token))?.State is not "running" and var state)
        {
            throw new StepException($"{step.Instance} ({instanceId}) is {state ?? "gone"}: nothing runs on it.");
        }

        var registration = await control.RegisterClientAsync(step.Name, instanceId, Token);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_ENDPOINT_URL_EC2"] = registration.Ec2Endpoint,
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = registration.ImdsEndpoint,
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

        var start = clock.Elapsed;
        progress.Line(start, "▶", $"client {step.Name} on {step.Instance} ({instanceId}): {step.Run}");
        var result = await ClientProcess.RunAsync(step.Run, scenario.Directory, environment, step.Timeout,
            line => progress.Line(clock.Elapsed, "│", $"{step.Name}: {line}"), Token);

        // The client's run ends when its shell exits, not when its last output arrives.
        var end = start + result.Ran;
        var records = await control.ClientRecordsAsync(registration.Id, CancellationToken.None);
        var calls = records.Records.Select(r => new CallReport(
            (r.At - clock.Start).TotalSeconds, r.Channel, r.Method, r.Target, r.Status, r.Error, r.Body, r.Milliseconds, r.Current, r.Fault)).ToList();
        var report = new ClientReport(step.Name, step.Instance, instanceId, step.Run, start.TotalSeconds, end.TotalSeconds, result.ExitCode,
            result.TimedOut, result.Stdout, result.Stderr, calls, records.Dropped, registration.ImdsEndpoint, registration.Ec2Endpoint);
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
        progress.Line(end, "■", $"client {step.Name} {outcome} after {Durations.Format(end - start)} "
            + $"({Count(calls.Count(c => c.Channel == "ec2"), "EC2 call")}, {Count(calls.Count(c => c.Channel == "imds"), "metadata request")})");
        Record(step, new StepReport(step.Mark.Line, step.Describe(), start.TotalSeconds, end.TotalSeconds, result.Cancelled ? "interrupted" : "ok", outcome));
        Token.ThrowIfCancellationRequested();
    }
}
