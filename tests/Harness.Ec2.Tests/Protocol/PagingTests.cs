namespace Harness.Ec2.Tests.Protocol;

/// <summary>MaxResults/NextToken: pages that neither repeat nor skip, even while interfaces come and go.</summary>
public sealed class PagingTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    [Fact]
    public async Task DescribeNetworkInterfaces_Pages_AreStableUnderConcurrentCreates()
    {
        var subnet = await TopologyBuilder.SubnetAsync(server);
        var original = new HashSet<string>();
        for (var i = 0; i < 23; i++)
        {
            original.Add(await TopologyBuilder.InterfaceAsync(server, subnet));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var parameters = new Dictionary<string, string> { ["MaxResults"] = "5" };
            if (token is not null)
            {
                parameters["NextToken"] = token;
            }

            var body = await server.OkAsync("DescribeNetworkInterfaces", parameters);
            var page = body.Descendants(HarnessServer.Ec2 + "networkInterfaceSet").Single().Elements()
                .Select(e => e.Element(HarnessServer.Ec2 + "networkInterfaceId")!.Value).ToList();
            Assert.True(page.Count <= 5);
            seen.AddRange(page);
            token = body.Element(HarnessServer.Ec2 + "nextToken")?.Value;
            pages++;

            // A new interface between pages must not make an original one repeat or vanish.
            await TopologyBuilder.InterfaceAsync(server, subnet);
        }
        while (token is not null && pages < 50);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), original);
    }

    [Fact]
    public async Task MaxResults_WithIds_IsInvalidParameterCombination()
    {
        var (_, code, _) = await server.ErrorAsync("DescribeNetworkInterfaces", new Dictionary<string, string>
        {
            ["NetworkInterfaceId.1"] = "eni-0123456789abcdef0",
            ["MaxResults"] = "5",
        });

        Assert.Equal("InvalidParameterCombination", code);
    }
}
