using System.Collections.Immutable;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Delays;

namespace Harness.ControlPlane.Tests.Cluster;

/// <summary>Settings cross to the other processes of a cluster as spec text: what arrives must draw the same delays.</summary>
public sealed class PropagationSettingsTextTests
{
    [Theory]
    [InlineData("fixed(1500ms)")]
    [InlineData("uniform(100ms,900ms)")]
    [InlineData("normal(mean=2s,stddev=300ms)")]
    [InlineData("lognormal(median=2s,p99=20s)")]
    [InlineData("exponential(mean=750ms)")]
    [InlineData("pareto(scale=200ms,shape=1.5)")]
    [InlineData("mix(0.9:fixed(1s),0.1:never)")]
    [InlineData("never")]
    public void SettingsThatCrossedAsText_DrawTheSameDelays(string spec)
    {
        var model = DelaySpec.Parse(spec);
        var settings = PropagationSettings.Of(model) with
        {
            Kinds = ImmutableDictionary.Create<string, DelayModel>(StringComparer.Ordinal).Add("elastic-ips", model),
            Instances = ImmutableDictionary.Create<string, DelayModel>(StringComparer.Ordinal).Add("i-1", model),
            Reorder = true,
            ForcedDetachStaysStale = false,
        };

        var arrived = PropagationSettingsText.Of(settings).ToSettings();

        Assert.Equal(spec, arrived.Imds.ToString());
        Assert.True(arrived.Reorder);
        Assert.False(arrived.ForcedDetachStaysStale);
        for (var draw = 0; draw < 50; draw++)
        {
            Assert.Equal(model.Sample(SeededRandom.For(7, "i-1", draw)), arrived.Instances["i-1"].Sample(SeededRandom.For(7, "i-1", draw)));
            Assert.Equal(model.Sample(SeededRandom.For(7, "k", draw)), arrived.Kinds["elastic-ips"].Sample(SeededRandom.For(7, "k", draw)));
        }
    }
}
