using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Harness.Load.Ec2Bench;
using Harness.Load.Workloads;

namespace Harness.Load.Imds;

/// <summary>
/// <c>harness-load imds-fixture</c>: registers instances through the EC2 API (one VPC and one /16 subnet, RunInstances
/// in batches of MinCount = MaxCount, a few batches in flight), checks the harness lists them all, picks one, and
/// writes its <c>local-ipv4s</c> URL (also on stdout) and reply for the throughput rounds.
/// </summary>
internal static class ImdsFixtureCommand
{
    public const string Usage =
        "usage: harness-load imds-fixture --target http://127.0.0.1:PORT/ --out fixture.json --body-file body.txt [--headers-file headers.txt]\n" +
        "                                 [--instances 10000] [--batch 500] [--parallel 4] [--instance-type t3.micro] [--pick last|first|middle] [--control-token TOKEN]";

    private const string Path = "/latest/meta-data/network/interfaces/macs/{0}/local-ipv4s";

    private static readonly string[] Names =
        ["target", "instances", "batch", "parallel", "instance-type", "pick", "out", "body-file", "headers-file", "control-token"];

    public static Task<int> RunAsync(string[] args) => BenchOptions.RunAsync("imds-fixture", args, Names, RunAsync);

    private static async Task<int> RunAsync(BenchOptions args)
    {
        var target = args.RequireUrl("target");
        var instances = args.GetInt("instances", 10_000, min: 1);
        var batch = Math.Min(args.GetInt("batch", 500, min: 1), instances);
        var parallel = args.GetInt("parallel", 4, min: 1, max: 64);
        var instanceType = args.Get("instance-type", "t3.micro");
        var pick = args.Get("pick", "last");
        if (pick is not ("last" or "first" or "middle"))
        {
            throw new BenchOptionException($"--pick must be last, first or middle, not '{pick}'");
        }

        var output = args.Require("out");
        var bodyFile = args.Require("body-file");
        var headersFile = args.Get("headers-file");
        var token = args.Get("control-token") ?? Environment.GetEnvironmentVariable("HARNESS_CONTROL_TOKEN");

        using var ec2 = new Ec2Api(target, parallel, token is { Length: > 0 } ? token : null);
        var clock = Stopwatch.StartNew();
        var subnet = await Ec2Fixture.CreateVpcAndSubnetAsync(ec2, "10.0.0.0/16");
        var counts = Enumerable.Range(0, (instances + batch - 1) / batch).Select(b => Math.Min(batch, instances - (b * batch))).ToList();
        var launched = 0;
        await Parallel.ForEachAsync(counts, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (count, _) =>
        {
            var body = await ec2.RequireBodyAsync(
                "RunInstances",
                Inv($"ImageId=ami-12345678&InstanceType={instanceType}&MinCount={count}&MaxCount={count}&SubnetId={subnet}"));
            var got = QueryXml.AllWithin(body, "instancesSet", "instanceId").Distinct(StringComparer.Ordinal).Count();
            if (got != count)
            {
                throw new InvalidOperationException($"RunInstances MinCount={count} launched {got}");
            }

            Interlocked.Add(ref launched, got);
        });
        clock.Stop();
        Console.Error.WriteLine(Inv($"[imds-fixture] {launched:N0} {instanceType} instances in {clock.Elapsed.TotalSeconds:F2} s ({launched / clock.Elapsed.TotalSeconds:N0}/s), batches of {batch}, {parallel} in flight"));

        var listed = JsonDocument.Parse(await ec2.Http.GetStringAsync(new Uri(target, "/_harness/instances")))
            .RootElement.GetProperty("instances").EnumerateArray()
            .Select(i => (Id: i.GetProperty("instanceId").GetString()!, Address: i.GetProperty("imdsAddress").GetString()!))
            .ToList();
        if (listed.Count != instances)
        {
            throw new InvalidOperationException($"the harness lists {listed.Count} instances, expected {instances}");
        }

        // The list is ordered by address; "last" is the 10,000th address handed out.
        var chosen = pick switch
        {
            "first" => listed[0],
            "middle" => listed[listed.Count / 2],
            _ => listed[^1],
        };
        using var document = JsonDocument.Parse(await ec2.Http.GetStringAsync(new Uri(target, "/_harness/instances/" + chosen.Id)));
        var endpoint = document.RootElement.GetProperty("imdsEndpoint").GetString()!;
        var mac = document.RootElement.GetProperty("mac").GetString()!;
        var url = endpoint + string.Format(CultureInfo.InvariantCulture, Path, mac);
        var reply = await ImdsReply.GetAsync(new Uri(url));
        if (reply.Status is < 200 or >= 300 || reply.Body.Length == 0)
        {
            throw new InvalidOperationException($"GET {url} answered {reply.Status}");
        }

        await File.WriteAllBytesAsync(bodyFile, reply.Body);
        if (headersFile is not null)
        {
            await File.WriteAllLinesAsync(headersFile, reply.Headers);
        }

        var result = new ImdsFixtureResult(
            instances, batch, parallel, instanceType,
            Math.Round(clock.Elapsed.TotalSeconds, 2), Math.Round(instances / clock.Elapsed.TotalSeconds),
            chosen.Id, endpoint, mac, url, System.Text.Encoding.UTF8.GetString(reply.Body),
            reply.Headers);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, BenchJson.Options));
        Console.Error.WriteLine($"[imds-fixture] {chosen.Id} at {endpoint}: GET {url} -> {reply.Body.Length} bytes; {string.Join("; ", reply.Headers)}");
        Console.WriteLine(url);
        return 0;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
