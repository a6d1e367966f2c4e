using Harness.ControlPlane.Limits;
using Harness.Domain.Catalog;

namespace Harness.ControlPlane.Tests.Lifecycle;

/// <summary>Running instances hold their vCPUs against the quota of their bucket; stopping and terminating give them back.</summary>
public sealed class VcpuLedgerTests : IAsyncDisposable
{
    private const string Region = ControlPlaneHost.RegionName;

    private readonly ControlPlaneHost host = new(new HarnessOptions { VcpuLimit = 8 });

    private VcpuLedger Ledger => host.Get<VcpuLedger>();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task Launch_PastTheLimit_FailsWithVcpuLimitExceededAndAttachesNothing()
    {
        var subnet = await host.CreateSubnetAsync();
        await host.LaunchAsync(subnet, "m5.xlarge", await host.CreateInterfaceAsync(subnet));
        await host.LaunchAsync(subnet, "m5.xlarge", await host.CreateInterfaceAsync(subnet));
        var nic = await host.CreateInterfaceAsync(subnet);

        await Ec2Assert.ThrowsAsync("VcpuLimitExceeded", () => host.LaunchAsync(subnet, "t3.micro", nic));

        Assert.Equal(8, Ledger.InUse(Region));
        Assert.Null(host.State.NetworkInterfaces[nic].Attachment);
    }

    [Fact]
    public async Task StopAndTerminate_GiveTheVcpusBack_AndStartTakesThemAgain()
    {
        var subnet = await host.CreateSubnetAsync();
        var id = await host.LaunchAsync(subnet, "m5.xlarge", await host.CreateInterfaceAsync(subnet));
        Assert.Equal(4, Ledger.InUse(Region));

        await host.Instance(id).StopAsync();
        Assert.Equal(0, Ledger.InUse(Region));
        await host.Instance(id).StartAsync();
        Assert.Equal(4, Ledger.InUse(Region));
        await host.Instance(id).TerminateAsync();
        Assert.Equal(0, Ledger.InUse(Region));
    }

    [Fact]
    public void Fitting_BetweenMinAndMax_GivesTheLargestCountThatFits()
    {
        Assert.Equal(4, Ledger.Fitting(Region, "t3.micro", 1, int.MaxValue));
        Assert.Equal(2, Ledger.Fitting(Region, "t3.micro", 1, 2));
        var error = Assert.Throws<Domain.Errors.Ec2Exception>(() => Ledger.Fitting(Region, "t3.micro", 5, 10));
        Assert.Equal("VcpuLimitExceeded", error.Code);
        Assert.Contains("current vCPU limit of 8 allows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Take_InAnotherBucket_DoesNotCountAgainstStandard()
    {
        Ledger.Take(Region, "m5.2xlarge");

        Assert.Equal(8, Ledger.InUse(Region));
        Assert.Equal(0, Ledger.InUse(Region, InstanceBuckets.Of("p4d.24xlarge")));
        Assert.Equal(1, Ledger.Fitting("us-west-2", "m5.2xlarge", 1, 1));
    }
}
