namespace Harness.Scenarios.Tests;

/// <summary>Scenario texts for the tests: a small topology, with steps and top-level keys to add.</summary>
internal static class Scenarios
{
    public const string Topology = """
        topology:
          vpcs:
            - name: main
              cidr: 10.0.0.0/16
              subnets:
                - { name: a, cidr: 10.0.1.0/24 }
                - { name: b, cidr: 10.0.2.0/24 }
          instances:
            - { name: primary, type: m5.large, subnet: a, privateIp: 10.0.1.10 }
            - { name: standby, type: m5.large, subnet: a, privateIp: 10.0.1.20 }
          interfaces:
            - { name: spare, subnet: a, privateIp: 10.0.1.80 }
          elasticIps:
            - service-ip
        """;

    /// <summary>A whole scenario: name, the given header lines, the topology, then the steps (each a YAML list item).</summary>
    public static string With(string steps, string header = "clock: virtual\npropagation: { imds: fixed(2s) }") =>
        $"name: test\nseed: 3\n{header}\n{Topology}\nsteps:\n{steps}\n";

    /// <summary>The repository's scenarios folder.</summary>
    public static string Shipped(string name)
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "Harness.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("Harness.sln not found above the test folder.");
        }

        return Path.Combine(directory, "scenarios", name);
    }
}
