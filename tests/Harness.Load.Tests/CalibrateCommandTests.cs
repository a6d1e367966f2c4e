using System.Net;
using Harness.Load.Http;

namespace Harness.Load.Tests;

/// <summary>calibrate's arguments and its bare endpoint; the wrk comparison itself is load/bench/engine-vs-wrk.sh's.</summary>
public sealed class CalibrateCommandTests
{
    [Fact]
    public void Parse_NoArguments_IsTheDefaults()
    {
        var options = CalibrateOptions.Parse([], out var error);

        Assert.Null(error);
        Assert.Equal(CalibrateOptions.Default, options);
        Assert.Equal(3, options.Rounds);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Duration);
        Assert.Equal(0.8, options.MinRatio);
    }

    [Fact]
    public void Parse_EveryOption_IsRead()
    {
        var options = CalibrateOptions.Parse(
            ["--rounds", "5", "--duration=1500ms", "--warmup", "0", "--connections", "64", "--wrk-threads", "2", "--port", "18000",
             "--in-process", "--min-ratio", "0.9", "--json", "out.json"],
            out var error);

        Assert.Null(error);
        Assert.Equal((5, TimeSpan.FromMilliseconds(1500), TimeSpan.Zero, 64), (options.Rounds, options.Duration, options.WarmUp, options.Connections));
        Assert.Equal([2], options.WrkThreads);
        Assert.Equal((18000, true, 0.9, "out.json"), (options.Port, options.InProcess, options.MinRatio, options.Json));
    }

    [Theory]
    [InlineData("--rounds", "0")]
    [InlineData("--rounds", "three")]
    [InlineData("--duration", "500ms")]
    [InlineData("--duration", "5x")]
    [InlineData("--connections", "-1")]
    [InlineData("--wrk-threads", "1,,2")]
    [InlineData("--wrk-threads", "64")]
    [InlineData("--port", "70000")]
    [InlineData("--min-ratio", "0")]
    [InlineData("--colour", "red")]
    [InlineData("--json")]
    [InlineData("stray")]
    public void Parse_BadArgument_IsAnErrorNamingIt(params string[] args)
    {
        CalibrateOptions.Parse(args, out var error);

        Assert.NotNull(error);
        Assert.Contains(args[0], error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BadArgument_Exits2()
    {
        Assert.Equal(2, await CalibrateCommand.RunAsync(["--rounds", "x"]));
    }

    [Fact]
    public async Task CalibrateServer_AnswersGetSlashAndNothingElse()
    {
        await using var app = CalibrateServerCommand.Build(0);
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        using var client = new RawHttpClient(new IPEndPoint(IPAddress.Loopback, port));

        var root = await client.SendAsync(RawHttpClient.Get("x", "/"));
        var other = await client.SendAsync(RawHttpClient.Get("x", "/other"));
        var post = await client.SendAsync(RawHttpClient.Post("x", "/", "text/plain", "x"));

        Assert.Equal(200, root.Status);
        Assert.Equal("Hello, World!", root.BodyText);
        Assert.Equal(404, other.Status);
        Assert.Equal(404, post.Status);
        Assert.Equal(1, client.ConnectionsOpened);
    }
}
