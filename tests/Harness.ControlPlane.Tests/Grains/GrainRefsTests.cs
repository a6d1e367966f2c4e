using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;

namespace Harness.ControlPlane.Tests.Grains;

/// <summary>GrainRefs makes, for every key and interface, the reference Orleans' own GetGrain makes.</summary>
public sealed class GrainRefsTests : IAsyncLifetime
{
    private ControlPlaneHost host = null!;

    public Task InitializeAsync()
    {
        host = new ControlPlaneHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public void EveryReference_IsTheOneGetGrainMakes_ForEachInterfaceAndKey()
    {
        // Subnets and interfaces alternate, so each interface's cached types must stay its own.
        foreach (var key in new[] { "1/us-east-1/a", "1/us-east-1/b", "2/eu-west-1/c" })
        {
            AssertSame(host.Grains.Get<ISubnetGrain>(key), host.Grains.GetGrain<ISubnetGrain>(key));
            AssertSame(host.Grains.Get<INetworkInterfaceGrain>(key), host.Grains.GetGrain<INetworkInterfaceGrain>(key));
        }
    }

    [Fact]
    public async Task ACallThroughAReferenceFromTheCache_ReachesTheGrain()
    {
        var subnet = await host.CreateSubnetAsync();

        await host.Grains.Get<ISubnetGrain>(GrainKeys.For(host.State, subnet.SubnetId)).UpdateTagsAsync(new TagUpdate([new Tag("role", "cached")], []));

        Assert.Contains(new Tag("role", "cached"), host.SubnetView(subnet.SubnetId).Tags);
    }

    private static void AssertSame<T>(T cached, T made)
        where T : IGrainWithStringKey
    {
        var a = (GrainReference)(object)cached;
        var b = (GrainReference)(object)made;
        Assert.Equal(b.GrainId, a.GrainId);
        Assert.Equal(b.InterfaceType, a.InterfaceType);
        Assert.IsType(made.GetType(), cached);
    }
}
