using Amazon.EC2;
using FailoverAgent;

// dotnet FailoverAgent.dll <vip> [--no-wait]: exits 0 once this instance owns the address, 1 past the deadline
// (AGENT_WAIT_SECONDS, default 60). The endpoints come from the environment the SDK reads: AWS_ENDPOINT_URL_EC2,
// AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_REGION and the credentials.
if (args.Length is < 1 or > 2 || (args.Length == 2 && args[1] != "--no-wait"))
{
    Console.Error.WriteLine("usage: FailoverAgent <vip> [--no-wait]");
    return 2;
}

var deadline = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("AGENT_WAIT_SECONDS"), out var seconds) ? seconds : 60);
using var ec2 = new AmazonEC2Client();
try
{
    var result = await new VipTakeover(ec2, waitForMetadata: args.Length == 1).TakeOverAsync(args[0], deadline);
    Console.WriteLine($"{args[0]} is on {result.NetworkInterfaceId}: EC2 answered after {result.Assigned.TotalSeconds:0.0} s, "
        + $"this instance's metadata listed it after {result.Declared.TotalSeconds:0.0} s");
    return 0;
}
catch (TimeoutException error)
{
    Console.Error.WriteLine("gave up: " + error.Message);
    return 1;
}
