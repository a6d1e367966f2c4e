namespace Harness.ControlPlane;

/// <summary>Settings of the simulated account.</summary>
public sealed record HarnessOptions
{
    /// <summary>Seeds every random choice (ids, MACs, zones), so a run can be replayed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>EC2's default quota of Elastic IPs per region.</summary>
    public int ElasticIpLimit { get; init; } = 5;

    public string AccountId { get; init; } = "123456789012";
}
