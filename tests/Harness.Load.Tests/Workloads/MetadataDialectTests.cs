using Harness.Load.Workloads;

namespace Harness.Load.Tests.Workloads;

/// <summary>What the pollers make of each cloud's address listing, and the ECS client of a DescribeNetworkInterfaces reply.</summary>
public sealed class MetadataDialectTests
{
    [Theory]
    [InlineData("[\"10.0.0.5\",\"10.0.0.6\"]", "10.0.0.5\n10.0.0.6")]
    [InlineData("[\"10.0.0.5\"]", "10.0.0.5")]
    [InlineData("[]", "")]
    [InlineData("", "")]
    public void AlibabaLines_JsonArray_IsOneAddressALine(string body, string lines) =>
        Assert.Equal(lines, MetadataDialect.Alibaba.Lines(body));

    [Theory]
    [InlineData("10.0.0.5\n10.0.0.6")]
    [InlineData("{\"a\":1}")]
    [InlineData("[1,2]")]
    [InlineData("[null]")]
    [InlineData("[\"10.0.0.5\"")]
    public void AlibabaLines_AnythingButAnArrayOfStrings_IsNull(string body) => Assert.Null(MetadataDialect.Alibaba.Lines(body));

    [Fact]
    public void Ec2Lines_AreTheBodyAsItIs() => Assert.Equal("10.0.0.5\n10.0.0.6", MetadataDialect.Ec2.Lines("10.0.0.5\n10.0.0.6"));

    [Fact]
    public void AddressesPath_NamesEachCloudsLeaf()
    {
        Assert.Equal("/latest/meta-data/network/interfaces/macs/00:16:3e:00:00:01/private-ipv4s", MetadataDialect.Alibaba.AddressesPath("00:16:3e:00:00:01"));
        Assert.Equal("/latest/meta-data/network/interfaces/macs/0a:00:00:00:00:01/local-ipv4s", MetadataDialect.Ec2.AddressesPath("0a:00:00:00:00:01"));
        Assert.Equal("X-aliyun-ecs-metadata-token", MetadataDialect.Alibaba.TokenHeader);
        Assert.Equal("X-aliyun-ecs-metadata-token-ttl-seconds", MetadataDialect.Alibaba.TokenTtlHeader);
    }

    [Fact]
    public void Tracker_SettlesAChange_FromAnAlibabaListingReadIntoLines()
    {
        var time = new Harness.Runtime.VirtualTimeProvider();
        var tracker = new ConvergenceTracker(time);
        var instance = new SimInstance("i-1", 0);
        var eni = new SimInterface("eni-a", "00:16:3e:00:00:01", "vsw-1", instance);
        instance.Interfaces.Add(eni);
        var address = new FloatingAddress("10.0.0.50", "vsw-1", null);
        tracker.Register(address, eni, present: true, time.GetTimestamp(), measured: true);
        time.Advance(TimeSpan.FromMilliseconds(300));

        // 10.0.0.5 is not 10.0.0.50: a line must match whole, which a JSON array searched as text would not ensure.
        tracker.Observe(eni, MetadataDialect.Alibaba.Lines("[\"10.0.0.4\",\"10.0.0.5\"]")!, time.GetTimestamp());
        Assert.Equal(0, tracker.Converged);
        tracker.Observe(eni, MetadataDialect.Alibaba.Lines("[\"10.0.0.4\",\"10.0.0.50\"]")!, time.GetTimestamp());
        Assert.Equal(1, tracker.Converged);
        Assert.Equal(0.3, Assert.Single(tracker.Samples()), 3);
    }

    [Fact]
    public void ReadInterfaces_ListsIdsAttachedInstancesAndAddresses()
    {
        const string body = """
            {"RequestId":"x","NetworkInterfaceSets":{"NetworkInterfaceSet":[
              {"NetworkInterfaceId":"eni-a","InstanceId":"i-1","PrivateIpSets":{"PrivateIpSet":[{"PrivateIpAddress":"10.0.0.4","Primary":true},{"PrivateIpAddress":"10.0.0.50","Primary":false}]}},
              {"NetworkInterfaceId":"eni-b","InstanceId":"","PrivateIpSets":{"PrivateIpSet":[{"PrivateIpAddress":"10.0.0.7","Primary":true}]}}]}}
            """;
        var found = EcsApi.ReadInterfaces(body)!;
        Assert.Equal(["eni-a", "eni-b"], found.Ids);
        Assert.Equal(["i-1"], found.InstanceIds);
        Assert.Equal(["10.0.0.4", "10.0.0.50", "10.0.0.7"], found.Addresses);
        Assert.Null(EcsApi.ReadInterfaces("{\"RequestId\":\"x\"}"));
    }
    [Theory]
    [InlineData(200, "{\"Instances\":{\"Instance\":[{\"InstanceId\":\"i-1\",\"Status\":\"Running\"}]}}", "i-1=Running")]
    [InlineData(200, "{\"Instances\":{\"Instance\":[{\"InstanceId\":\"i-1\",\"Status\":\"Run", null)] // cut short
    [InlineData(200, "{\"Instances\":{\"Instance\":[{\"InstanceId\":\"i-1\"}]}}", null)] // no Status
    [InlineData(400, "{\"Code\":\"Throttling\"}", null)]
    public void EcsStatuses_OnlyFromAWholeListing_ElseNullToPollAgain(int status, string body, string? statuses)
    {
        var reply = new ApiReply(status, body, status == 200 ? null : "Throttling");

        var read = EcsApi.Statuses(reply, "Instances", "Instance", "InstanceId");

        Assert.Equal(statuses, read is null ? null : string.Join(",", read.Select(p => $"{p.Key}={p.Value}")));
    }
}
