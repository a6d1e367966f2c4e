using System.Net;
using System.Text;

namespace Harness.Bench;

/// <summary>
/// The calibration target: Kestrel answering POST / with a fixed EC2-shaped body and doing
/// nothing else, so whatever rate the client reaches against it bounds what it can measure.
/// </summary>
internal static class TrivialServer
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <DescribeNetworkInterfacesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><requestId>00000000-0000-0000-0000-000000000000</requestId><networkInterfaceSet><item><networkInterfaceId>eni-0123456789abcdef0</networkInterfaceId><subnetId>subnet-0123456789abcdef0</subnetId><vpcId>vpc-0123456789abcdef0</vpcId><availabilityZone>us-east-1a</availabilityZone><status>available</status><macAddress>02:00:00:00:00:01</macAddress><privateIpAddress>10.0.0.4</privateIpAddress><privateIpAddressesSet><item><privateIpAddress>10.0.0.4</privateIpAddress><primary>true</primary></item></privateIpAddressesSet></item></networkInterfaceSet></DescribeNetworkInterfacesResponse>
        """);

    public static WebApplication Build(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/", async (HttpContext context) =>
        {
            // Drain the form body like a real server would, without parsing it.
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "text/xml;charset=UTF-8";
            context.Response.ContentLength = Body.Length;
            await context.Response.Body.WriteAsync(Body);
        });
        app.MapGet("/_harness/health", () => "ok");
        return app;
    }

    public static async Task<int> RunAsync(CommandLine args)
    {
        var port = args.GetInt("port", 5099);
        var app = Build(port);
        Console.WriteLine($"trivial server on http://127.0.0.1:{port}/");
        await app.RunAsync();
        return 0;
    }
}
