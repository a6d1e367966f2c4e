using System.Xml.Linq;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>
/// Invariant 1 over the wire: clients racing AllowReassignment on the same addresses never see an address on
/// two interfaces in any DescribeNetworkInterfaces, and no address is lost. Bounded: 8 writers × 150 calls.
/// </summary>
public sealed class ReassignmentRaceTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    private static readonly string[] Addresses = ["10.0.1.50", "10.0.1.51", "10.0.1.52", "10.0.1.53"];

    [Fact]
    public async Task RacingReassignments_NeverShowAnAddressTwice_AndLoseNone()
    {
        var subnet = await TopologyBuilder.SubnetAsync(server);
        var interfaces = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            interfaces.Add(await TopologyBuilder.InterfaceAsync(server, subnet));
        }

        var describe = new Dictionary<string, string>();
        for (var i = 0; i < interfaces.Count; i++)
        {
            describe[$"NetworkInterfaceId.{i + 1}"] = interfaces[i];
        }

        using var stop = new CancellationTokenSource();
        var violations = new List<string>();
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var owners = Owners(await server.OkAsync("DescribeNetworkInterfaces", describe));
                reads++;
                foreach (var duplicate in owners.GroupBy(o => o.Address).Where(g => g.Count() > 1))
                {
                    lock (violations)
                    {
                        violations.Add($"{duplicate.Key} on {string.Join(", ", duplicate.Select(d => d.Interface))}");
                    }
                }
            }
        });

        var writers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var call = 0; call < 150; call++)
            {
                await server.OkAsync("AssignPrivateIpAddresses", new Dictionary<string, string>
                {
                    ["NetworkInterfaceId"] = interfaces[random.Next(interfaces.Count)],
                    ["PrivateIpAddress.1"] = Addresses[random.Next(Addresses.Length)],
                    ["AllowReassignment"] = "true",
                });
            }
        })).ToArray();

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(violations);
        Assert.True(reads > 0);
        var final = Owners(await server.OkAsync("DescribeNetworkInterfaces", describe));
        foreach (var address in Addresses)
        {
            Assert.Single(final, o => o.Address == address);
        }

        var subnetView = await server.OkAsync("DescribeSubnets", new Dictionary<string, string> { ["SubnetId.1"] = subnet });
        Assert.Equal("243", HarnessServer.Value(subnetView, "availableIpAddressCount")); // 251 usable − 4 primaries − 4 secondaries
    }

    private static List<(string Interface, string Address)> Owners(XElement body) =>
        body.Descendants(HarnessServer.Ec2 + "networkInterfaceSet").Single().Elements()
            .SelectMany(nic => nic.Element(HarnessServer.Ec2 + "privateIpAddressesSet")!.Elements()
                .Select(a => (nic.Element(HarnessServer.Ec2 + "networkInterfaceId")!.Value, a.Element(HarnessServer.Ec2 + "privateIpAddress")!.Value)))
            .ToList();
}
