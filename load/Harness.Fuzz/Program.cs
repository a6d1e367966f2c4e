using System.Globalization;
using System.Net;
using Harness.Host;
using Harness.Testing.Fuzz;

// harness-fuzz [requests] [seed] [concurrency]: seeded, bounded fuzzing of the EC2 API, the Alibaba ECS/VPC API, the
// metadata service and the control API of a harness it starts itself on loopback. Every 20,000 requests the harness is reset and rebuilt, so
// resources the fuzzer creates do not pile up. Exits 1 if any reply was a 500 or any connection closed without one, or an Alibaba reply is not JSON or XML with a Code
// (errors) or a RequestId (successes).
var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var seed = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1313;
var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
const int Block = 20_000;

await using var app = HarnessApp.Build(new HarnessHostOptions(Ec2Port: 0, ImdsPort: 0, Seed: seed));
await app.StartAsync();
var apiUri = new Uri(app.Ec2Url);
var api = new IPEndPoint(IPAddress.Loopback, apiUri.Port);
using var http = new HttpClient { BaseAddress = apiUri };
var ecsUri = new Uri(app.EcsUrl);
var ecsApi = new IPEndPoint(IPAddress.Loopback, ecsUri.Port);
using var ecsHttp = new HttpClient { BaseAddress = ecsUri };
var random = new Random(seed);
var run = new FuzzRun();
var started = System.Diagnostics.Stopwatch.StartNew();
for (var done = 0; done < requests; done += Block)
{
    // The control API takes JSON only, even on a bodyless POST; a reset that did not happen would let the rounds pile up.
    using (var reset = await http.PostAsync(new Uri("/_harness/reset", UriKind.Relative), new StringContent("", System.Text.Encoding.UTF8, "application/json")))
    {
        reset.EnsureSuccessStatusCode();
    }

    var topology = await FuzzTopology.BuildAsync(http);
    var ec2 = new Ec2Mutator(random, topology.Ids);
    var ecs = new EcsMutator(random, await EcsFuzzTopology.BuildAsync(ecsHttp));
    var imds = new ImdsMutator(random);
    var control = new ControlMutator(random, topology.Ids);
    var host = topology.Imds.Address.ToString();

    // 70% EC2, 20% Alibaba, 7% metadata, 3% control, drawn in order from the seeded generator.
    var count = Math.Min(Block, requests - done);
    await run.RunAsync(count, concurrency, () => random.Next(100) switch
    {
        < 70 => ("ec2", api, ec2.Next("127.0.0.1").Request),
        < 90 => ("ecs", ecsApi, ecs.Next("127.0.0.1").Request),
        < 97 => ("imds", topology.Imds, imds.Next(host)),
        _ => ("control", api, control.Next("127.0.0.1")),
    }, TimeSpan.FromSeconds(30), (service, reply, whole) => service == "ecs" ? EcsReply.Problem(reply, whole) : null);
    Console.Error.WriteLine($"{done + count} requests, {run.Failures} failures, {started.Elapsed.TotalSeconds:0} s");
}

Console.WriteLine($"requests: {run.Total} in {started.Elapsed.TotalSeconds:0} s (seed {seed}, concurrency {concurrency})");
foreach (var (outcome, n) in run.Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"  {outcome,-16} {n,9}");
}

var fives = run.Counts.Where(kv => kv.Key.EndsWith(" 500", StringComparison.Ordinal) || kv.Key.EndsWith(" 503", StringComparison.Ordinal)).Sum(kv => kv.Value);
var dropped = run.Counts.Where(kv => kv.Key.EndsWith(" dropped", StringComparison.Ordinal) || kv.Key.EndsWith(" hung", StringComparison.Ordinal)).Sum(kv => kv.Value);
Console.WriteLine($"5xx: {fives}  dropped or unanswered: {dropped}  failures: {run.Failures}");
foreach (var sample in run.FailureSamples)
{
    Console.WriteLine("--- " + sample);
}

return run.Failures == 0 ? 0 : 1;
