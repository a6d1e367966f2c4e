using Harness.ControlPlane.Metadata;
using Harness.Domain.Delays;
using static Harness.ControlPlane.Tests.ControlPlaneHost;

namespace Harness.ControlPlane.Tests.Metadata;

/// <summary>Every delay model, through the scheduler: a change is due exactly at made-at plus the model's seeded draw.</summary>
public sealed class MetadataPropagationModelTests
{
    public static TheoryData<string> Models =>
    [
        "fixed(1500ms)",
        "uniform(100ms,900ms)",
        "normal(mean=1s,stddev=200ms)",
        "lognormal(median=800ms,p99=6s)",
        "exponential(mean=1s)",
        "pareto(scale=1s,shape=1.5)",
        "mix(0.9:fixed(1s),0.1:uniform(10s,30s))",
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Schedule_EachModel_DueAtIsMadeAtPlusTheSeededDraw(string spec)
    {
        await using var host = new MetadataHost(spec, seed: 11);
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var model = DelaySpec.Parse(spec);

        for (var i = 0; i < 20; i++)
        {
            if (i % 2 == 0)
            {
                await host.Interface(eni).AssignAsync(Addresses(false, "10.0.1.20"));
            }
            else
            {
                await host.Interface(eni).UnassignAsync([Ip("10.0.1.20")], []);
            }

            host.AdvanceMs(1);
        }

        // Draw i of an instance is keyed by (seed, instance id, i); in-order delivery only ever moves a due time later.
        var events = host.Events(instance, MetadataChangeKinds.PrivateIpv4s);
        Assert.Equal(20, events.Count);
        var floor = DateTimeOffset.MinValue;
        for (var i = 0; i < events.Count; i++)
        {
            var drawn = events[i].MadeAt + model.Sample(SeededRandom.For(11, instance, i))!.Value;
            var expected = drawn > floor ? drawn : floor;
            Assert.Equal(expected, events[i].DueAt);
            floor = expected;
        }

        host.Advance(TimeSpan.FromHours(1));
        Assert.All(host.Events(instance, MetadataChangeKinds.PrivateIpv4s), e => Assert.Equal(e.DueAt, e.SeenAt));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task Schedule_UniformSeed11_PinsTheFirstDelay()
    {
        // A pinned figure: if the draw keying or the generator changes, recorded scenarios stop replaying.
        await using var host = new MetadataHost("uniform(100ms,900ms)", seed: 11);
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        await host.Interface(eni).AssignAsync(Addresses(false, "10.0.1.20"));

        var change = Assert.Single(host.Pending(instance));
        var delay = change.DueAt!.Value - change.MadeAt;
        Assert.Equal(DelaySpec.Parse("uniform(100ms,900ms)").Sample(SeededRandom.For(11, instance, 0)), delay);
        Assert.InRange(delay, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(900));
    }
}
