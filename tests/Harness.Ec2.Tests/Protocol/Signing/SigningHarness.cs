using Harness.Host;
using Harness.Runtime;

namespace Harness.Ec2.Tests.Protocol.Signing;

/// <summary>
/// The harness with <c>--verify-signatures</c>, two access keys, and its clock on a <see cref="VirtualTimeProvider"/>
/// started at real time plus a skew (none for the class fixture): SDKs sign with the real clock, so a skew is a clock
/// that is off.
/// </summary>
public sealed class SigningHarness : IAsyncLifetime
{
    public const string AccessKey = "AKIDHARNESS";
    public const string Secret = "harness/Secret+Key0123456789";
    public const string OtherKey = "AKIDSECOND";
    public const string OtherSecret = "second-secret";

    private readonly TimeSpan skew;
    private HarnessApplication? app;

    public SigningHarness()
        : this(TimeSpan.Zero)
    {
    }

    internal SigningHarness(TimeSpan skew) => this.skew = skew;

    public string Ec2Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var clock = new VirtualTimeProvider(TimeProvider.System.GetUtcNow() + skew);
        app = HarnessApp.Build(
            new HarnessHostOptions(Ec2Port: 0, ImdsPort: 0, Seed: 5)
            {
                VerifySignatures = true,
                Credentials = new Dictionary<string, string> { [AccessKey] = Secret, [OtherKey] = OtherSecret },
            },
            clock);
        await app.StartAsync();
        Ec2Url = app.Ec2Url;
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
