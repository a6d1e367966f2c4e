using Harness.Domain.Catalog;

namespace Harness.Domain.Tests.Catalog;

public sealed class InstanceTypeCatalogTests
{
    [Theory]
    [InlineData("t3.micro", 2, 2)]
    [InlineData("t3.large", 3, 12)]
    [InlineData("m5.large", 3, 10)]
    [InlineData("m5.xlarge", 4, 15)]
    [InlineData("c5.large", 3, 10)]
    [InlineData("c5.4xlarge", 8, 30)]
    public void TryGet_ReferenceType_HasEc2Limits(string name, int maxInterfaces, int ipv4PerInterface)
    {
        Assert.True(InstanceTypeCatalog.TryGet(name, out var info));
        Assert.Equal(name, info.Name);
        Assert.Equal(maxInterfaces, info.MaxNetworkInterfaces);
        Assert.Equal(ipv4PerInterface, info.Ipv4AddressesPerInterface);
    }

    [Theory]
    [InlineData("t9.mega")]
    [InlineData("")]
    [InlineData("M5.LARGE")]
    public void TryGet_UnknownType_ReturnsFalse(string name)
    {
        Assert.False(InstanceTypeCatalog.TryGet(name, out _));
    }

    [Fact]
    public void All_EveryEntry_HasSaneLimits()
    {
        Assert.NotEmpty(InstanceTypeCatalog.All);
        foreach (var (name, info) in InstanceTypeCatalog.All)
        {
            Assert.Equal(name, info.Name);
            Assert.Matches(@"^[a-z][a-z0-9\-]*\.[a-z0-9\-]+$", info.Name);
            Assert.True(info.VCpus > 0, name);
            Assert.True(info.MemoryMiB > 0, name);
            Assert.True(info.MaxNetworkInterfaces >= 1, name);
            Assert.True(info.Ipv4AddressesPerInterface >= 1, name);
            Assert.True(info.Ipv6AddressesPerInterface >= 0, name);
            Assert.True(info.MaximumNetworkCards >= 1, name);
            Assert.True(info.MaximumNetworkCards <= info.MaxNetworkInterfaces, name);
            Assert.Contains(info.Hypervisor, new[] { "xen", "nitro" });
            Assert.Contains(info.Architecture, new[] { "x86_64", "arm64", "i386" });
            Assert.False(string.IsNullOrWhiteSpace(info.NetworkPerformance), name);
        }
    }

    [Theory]
    [InlineData("t3")]
    [InlineData("m5")]
    [InlineData("c5")]
    [InlineData("r5")]
    [InlineData("m6i")]
    [InlineData("c6g")]
    public void All_CommonFamily_IsCovered(string family)
    {
        Assert.Contains(InstanceTypeCatalog.All.Keys, k => k.StartsWith(family + ".", StringComparison.Ordinal));
    }
}
