using System.Net;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>
/// List indexes as docs/query-protocol.md states them: any decimal index names an element, in numeric order; two
/// spellings of one index are refused; nothing that is syntactically a list member is passed over, so a request never
/// widens; EC2's limits on list lengths and filter values hold before any work is done.
/// </summary>
public sealed class ListIndexTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    [Theory]
    [InlineData("01")]
    [InlineData("0")]
    [InlineData("99999999999")]
    [InlineData("000000000000000000000000000000000000000007")]
    public async Task DescribeVpcs_AnyDecimalIndex_DescribesThatVpcOnly(string index)
    {
        var vpc = await VpcAsync();
        await VpcAsync();

        var body = await server.OkAsync("DescribeVpcs", new Dictionary<string, string> { ["VpcId." + index] = vpc });

        Assert.Equal([vpc], body.Descendants(HarnessServer.Ec2 + "vpcId").Select(e => e.Value));
    }

    [Fact]
    public async Task DescribeVpcs_UnknownIdAtHugeIndex_IsNotFoundRatherThanEveryVpc()
    {
        await VpcAsync();

        var (_, code, _) = await server.ErrorAsync("DescribeVpcs", new Dictionary<string, string> { ["VpcId.99999999999"] = "vpc-0123456789abcdef0" });

        Assert.Equal("InvalidVpcID.NotFound", code);
    }

    [Fact]
    public async Task TwoSpellingsOfOneIndex_AreInvalidParameterValue()
    {
        var vpc = await VpcAsync();

        var (status, code, message) = await server.ErrorAsync("DescribeVpcs", new Dictionary<string, string> { ["VpcId.1"] = vpc, ["VpcId.01"] = vpc });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidParameterValue", code);
        Assert.Equal("The parameters VpcId.1 and VpcId.01 name the same element of VpcId.", message);
    }

    [Fact]
    public async Task DeleteTags_HugeIndex_DeletesOnlyTheNamedTag()
    {
        var vpc = await VpcAsync();
        await server.OkAsync("CreateTags", new Dictionary<string, string>
        {
            ["ResourceId.1"] = vpc, ["Tag.1.Key"] = "keep", ["Tag.1.Value"] = "a", ["Tag.2.Key"] = "drop", ["Tag.2.Value"] = "b",
        });

        await server.OkAsync("DeleteTags", new Dictionary<string, string> { ["ResourceId.1"] = vpc, ["Tag.99999999999.Key"] = "drop" });

        var tags = await server.OkAsync("DescribeTags", new Dictionary<string, string> { ["Filter.1.Name"] = "resource-id", ["Filter.1.Value.1"] = vpc });
        Assert.Equal(["keep"], tags.Descendants(HarnessServer.Ec2 + "key").Select(e => e.Value));
    }

    [Fact]
    public async Task CreateTags_SameKeyTwice_LastByNumericIndexWins()
    {
        var vpc = await VpcAsync();

        // Ordinal order would put "9" after "10"; numeric order puts 10 last.
        await server.OkAsync("CreateTags", new Dictionary<string, string>
        {
            ["ResourceId.1"] = vpc, ["Tag.10.Key"] = "k", ["Tag.10.Value"] = "ten", ["Tag.9.Key"] = "k", ["Tag.9.Value"] = "nine",
        });

        var tags = await server.OkAsync("DescribeTags", new Dictionary<string, string> { ["Filter.1.Name"] = "resource-id", ["Filter.1.Value.1"] = vpc });
        Assert.Equal(["ten"], tags.Descendants(HarnessServer.Ec2 + "value").Select(e => e.Value));
    }

    [Fact]
    public async Task ValueWhereAStructureBelongs_IsRefusedNotIgnored()
    {
        await VpcAsync();

        var (_, code, _) = await server.ErrorAsync("DescribeVpcs", new Dictionary<string, string> { ["Filter.1"] = "vpc-id" });

        Assert.Equal("InvalidParameterValue", code);
    }

    [Fact]
    public async Task FortyThousandFilters_AreFilterLimitExceeded()
    {
        var parameters = new Dictionary<string, string>();
        for (var i = 1; i <= 40_000; i++)
        {
            // Names alone keep the body (about 800 KB) under the 1 MiB cap.
            parameters[$"Filter.{i}.Name"] = "a";
        }

        var (status, code, message) = await server.ErrorAsync("DescribeVpcs", parameters);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("FilterLimitExceeded", code);
        Assert.Equal("The maximum number of filter values specified on a single call is 200", message);
    }

    [Fact]
    public async Task TwoHundredOneValuesAcrossFilters_AreFilterLimitExceeded_TwoHundredAreNot()
    {
        static Dictionary<string, string> Values(int count)
        {
            var parameters = new Dictionary<string, string> { ["Filter.1.Name"] = "vpc-id", ["Filter.2.Name"] = "state" };
            for (var i = 1; i <= count; i++)
            {
                parameters[$"Filter.{1 + (i % 2)}.Value.{i}"] = "x" + i;
            }

            return parameters;
        }

        await server.OkAsync("DescribeVpcs", Values(200));
        var (_, code, _) = await server.ErrorAsync("DescribeVpcs", Values(201));

        Assert.Equal("FilterLimitExceeded", code);
    }

    [Fact]
    public async Task FilterValueOver255Characters_IsFilterLimitExceeded()
    {
        var (_, code, message) = await server.ErrorAsync("DescribeVpcs", new Dictionary<string, string>
        {
            ["Filter.1.Name"] = "vpc-id", ["Filter.1.Value.1"] = new string('v', 256),
        });

        Assert.Equal("FilterLimitExceeded", code);
        Assert.Equal("The maximum length for a filter value is 255 characters", message);
    }

    [Fact]
    public async Task MoreThanAThousandIds_AreInvalidRequest()
    {
        var parameters = Enumerable.Range(1, 1001).ToDictionary(i => "InstanceId." + i, i => $"i-{i:x17}");

        var (_, code, message) = await server.ErrorAsync("DescribeInstances", parameters);

        Assert.Equal("InvalidRequest", code);
        Assert.StartsWith("1001 exceeds the maximum number of InstanceId values", message, StringComparison.Ordinal);
    }

    private async Task<string> VpcAsync() =>
        HarnessServer.Value(await server.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.40.0.0/16" }), "vpcId");
}
