using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Lifecycle;
using Harness.ControlPlane.Metadata;

namespace Harness.ControlPlane.Tests.Lifecycle;

/// <summary>A terminated instance is listed for the retention (an hour, as EC2), then forgotten everywhere, on the harness clock.</summary>
public sealed class TerminatedInstancesTests : IAsyncDisposable
{
    private readonly ControlPlaneHost host = new(new HarnessOptions { Seed = 3, TerminatedRetention = TimeSpan.FromHours(1) });

    private MetadataPropagation Propagation => host.Get<MetadataPropagation>();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task Terminate_BeforeTheRetention_KeepsTheInstanceListed()
    {
        var subnet = await host.CreateSubnetAsync();
        var id = await LaunchAsync(subnet);

        await host.Instance(id).TerminateAsync();
        await host.AdvanceAsync(TimeSpan.FromMinutes(59));

        Assert.Equal("terminated", host.State.Instances[id].State.Name);
        Assert.True(Propagation.TryGetByInstanceId(id, out var slot));
        Assert.Equal("terminated", slot.View.State);
        Assert.Equal(1, host.Get<TerminatedInstances>().Count);
    }

    [Fact]
    public async Task Terminate_AfterTheRetention_ForgetsTheInstanceEverywhere()
    {
        var subnet = await host.CreateSubnetAsync();
        var id = await LaunchAsync(subnet);
        Assert.True(Propagation.TryGetByInstanceId(id, out var slot));
        var activations = await host.ActivationCountAsync();

        await host.Instance(id).TerminateAsync();
        await host.AdvanceAsync(TimeSpan.FromHours(1));

        Assert.False(host.State.Instances.ContainsKey(id));
        Assert.False(Propagation.TryGetByInstanceId(id, out _));
        Assert.False(Propagation.TryGetByAddress(slot.Address, out _));
        Assert.Equal(0, Propagation.InstanceCount);
        Assert.Equal(1, Propagation.FreeAddressCount);
        Assert.Equal(0, host.Get<TerminatedInstances>().Count);
        // Orleans deactivates a grain after its turn ends: wait for it.
        await host.UntilActivationsAsync(count => count < activations, "the instance's grain activation to be dropped");
        await Ec2Assert.ThrowsAsync("InvalidInstanceID.NotFound", () => host.Instance(id).StopAsync());
    }

    [Fact]
    public async Task Churn_AfterTheRetention_LeavesOnlyLiveInstances()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var live = await LaunchAsync(subnet);
        var activations = await host.ActivationCountAsync();
        for (var i = 0; i < 40; i++)
        {
            await host.Instance(await LaunchAsync(subnet)).TerminateAsync();
            await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(41, host.State.Instances.Count);
        await host.AdvanceAsync(TimeSpan.FromHours(1));

        Assert.Equal([live], host.State.Instances.Keys);
        Assert.Equal(1, Propagation.InstanceCount);
        Assert.Equal([live], Propagation.Slots.Select(s => s.InstanceId));
        Assert.Equal(0, host.Get<TerminatedInstances>().Count);

        // Nothing of the forty is left active: neither their instance grains nor their launch interfaces' grains.
        await host.UntilActivationsAsync(count => count == activations, $"exactly the {activations} activations from before the churn");
    }

    [Fact]
    public async Task Launch_AfterAnInstanceIsForgotten_ReusesItsAddress()
    {
        var subnet = await host.CreateSubnetAsync();
        var first = await LaunchAsync(subnet);
        Propagation.TryGetByInstanceId(first, out var old);
        await host.Instance(first).TerminateAsync();
        await host.AdvanceAsync(TimeSpan.FromHours(1));

        var second = await LaunchAsync(subnet);

        Assert.True(Propagation.TryGetByInstanceId(second, out var slot));
        Assert.Equal(old!.Address, slot.Address);
        Assert.True(Propagation.TryGetByAddress(slot.Address, out var byAddress));
        Assert.Equal(second, byAddress.InstanceId);
    }

    [Fact]
    public async Task Forget_WhileAClientStillReachesTheInstance_KeepsItsAddressUntilTheClientGoes()
    {
        var subnet = await host.CreateSubnetAsync();
        var first = await LaunchAsync(subnet);
        Propagation.TryGetByInstanceId(first, out var old);
        var taps = host.Get<ClientTaps>();
        var tap = taps.Register("client", first)!;
        await host.Instance(first).TerminateAsync();
        await host.AdvanceAsync(TimeSpan.FromHours(1));

        var second = await LaunchAsync(subnet);
        Propagation.TryGetByInstanceId(second, out var slot);
        Assert.NotEqual(old!.Address, slot!.Address);
        Assert.NotEqual(tap.Address, slot.Address);
        Assert.Equal(0, Propagation.FreeAddressCount);

        Assert.True(taps.Remove(tap.Id));

        Assert.Equal(2, Propagation.FreeAddressCount);
        Assert.Null(taps.Register("late", first));
    }

    [Fact]
    public async Task Reset_BeforeTheRetention_DropsWhatWasWaitingToBeForgotten()
    {
        var subnet = await host.CreateSubnetAsync();
        await host.Instance(await LaunchAsync(subnet)).TerminateAsync();

        await host.Get<ControlPlaneReset>().ResetAsync();

        Assert.Equal(0, host.Get<TerminatedInstances>().Count);
    }

    private async Task<string> LaunchAsync(ReadModel.SubnetView subnet) =>
        await host.LaunchAsync(subnet, "t3.micro", await host.CreateInterfaceAsync(subnet));
}
