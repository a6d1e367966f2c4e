using Harness.Load.Ec2Bench;

namespace Harness.Load.Tests.Ec2Bench;

/// <summary>The replies of AWS (and the harness) and of moto differ in what an Assign lists; the workloads treat them alike.</summary>
public sealed class Ec2FixtureTests
{
    private static readonly Eni Eni = new("eni-1", "10.0.0.4");

    [Fact]
    public void NewAddresses_AwsShapedReply_IsTheNewAddresses()
    {
        const string Reply = "<AssignPrivateIpAddressesResponse><networkInterfaceId>eni-1</networkInterfaceId><assignedPrivateIpAddressesSet>"
            + "<item><privateIpAddress>10.0.0.9</privateIpAddress></item><item><privateIpAddress>10.0.0.10</privateIpAddress></item>"
            + "</assignedPrivateIpAddressesSet></AssignPrivateIpAddressesResponse>";

        Assert.Equal(["10.0.0.9", "10.0.0.10"], Ec2Fixture.NewAddresses(Reply, Eni));
    }

    [Fact]
    public void NewAddresses_MotoShapedReplyListingThePrimary_LeavesThePrimaryOut()
    {
        const string Reply = "<r><privateIpAddress>10.0.0.4</privateIpAddress><assignedPrivateIpAddressesSet>"
            + "<item><privateIpAddress>10.0.0.4</privateIpAddress></item><item><privateIpAddress>10.0.0.7</privateIpAddress></item>"
            + "</assignedPrivateIpAddressesSet><privateIpAddress>10.0.0.99</privateIpAddress></r>";

        Assert.Equal(["10.0.0.7"], Ec2Fixture.NewAddresses(Reply, Eni));
    }

    [Fact]
    public void UnassignParameters_NumbersEachAddress_AndIsEmptyForNone()
    {
        Assert.Equal("NetworkInterfaceId=eni-1&PrivateIpAddress.1=10.0.0.9&PrivateIpAddress.2=10.0.0.10",
            Ec2Fixture.UnassignParameters(Eni, ["10.0.0.9", "10.0.0.10"]));
        Assert.Equal("", Ec2Fixture.UnassignParameters(Eni, []));
    }
}
