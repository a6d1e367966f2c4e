namespace Harness.Ec2.Tests.Protocol;

/// <summary>RunInstances is all or nothing for each instance: a launch that fails leaves no interface behind.</summary>
public sealed class RunInstancesTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    [Fact]
    public async Task RunInstances_WhenSecondInterfaceAddressIsInUse_FailsAndLeavesNoInterface()
    {
        var subnet = await TopologyBuilder.SubnetAsync(server);
        await TopologyBuilder.InterfaceAsync(server, subnet, primary: "10.0.1.20");
        var before = await CountInterfacesAsync();
        var available = HarnessServer.Value(await server.OkAsync("DescribeSubnets", new Dictionary<string, string> { ["SubnetId.1"] = subnet }), "availableIpAddressCount");

        var (_, code, message) = await server.ErrorAsync("RunInstances", new Dictionary<string, string>
        {
            ["ImageId"] = "ami-0123456789abcdef0",
            ["InstanceType"] = "m5.large",
            ["MinCount"] = "1",
            ["MaxCount"] = "1",
            ["NetworkInterface.1.DeviceIndex"] = "0",
            ["NetworkInterface.1.SubnetId"] = subnet,
            ["NetworkInterface.2.DeviceIndex"] = "1",
            ["NetworkInterface.2.SubnetId"] = subnet,
            ["NetworkInterface.2.PrivateIpAddress"] = "10.0.1.20",
        });

        Assert.Equal("InvalidIPAddress.InUse", code);
        Assert.Equal("Address 10.0.1.20 is in use.", message);
        Assert.Equal(before, await CountInterfacesAsync());
        Assert.Empty((await server.OkAsync("DescribeInstances")).Descendants(HarnessServer.Ec2 + "instanceId"));
        Assert.Equal(available, HarnessServer.Value(await server.OkAsync("DescribeSubnets", new Dictionary<string, string> { ["SubnetId.1"] = subnet }), "availableIpAddressCount"));
    }

    [Fact]
    public async Task RunInstances_MaxCountBeyondSubnetCapacity_LaunchesWhatFits()
    {
        var subnet = await TopologyBuilder.SubnetAsync(server, "10.50.0.0/16", "10.50.0.0/28"); // 11 usable addresses

        var body = await server.OkAsync("RunInstances", new Dictionary<string, string>
        {
            ["ImageId"] = "ami-0123456789abcdef0", ["InstanceType"] = "t3.micro", ["MinCount"] = "2", ["MaxCount"] = "20", ["SubnetId"] = subnet,
        });

        Assert.Equal(11, body.Descendants(HarnessServer.Ec2 + "instancesSet").Single().Elements().Count());
        var (_, code, _) = await server.ErrorAsync("RunInstances", new Dictionary<string, string>
        {
            ["ImageId"] = "ami-0123456789abcdef0", ["InstanceType"] = "t3.micro", ["MinCount"] = "1", ["MaxCount"] = "1", ["SubnetId"] = subnet,
        });
        Assert.Equal("InsufficientFreeAddressesInSubnet", code);
    }

    private async Task<int> CountInterfacesAsync() =>
        (await server.OkAsync("DescribeNetworkInterfaces")).Descendants(HarnessServer.Ec2 + "networkInterfaceSet").Single().Elements().Count();
}
