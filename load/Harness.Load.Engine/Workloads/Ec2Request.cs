namespace Harness.Load.Workloads;

/// <summary>
/// A Query call built once by <see cref="Ec2Api.Prepare"/>: its action, its form body (what a report quotes), and
/// the whole request as bytes when it goes over the raw client.
/// </summary>
/// <param name="Bytes">The whole request for each endpoint the client spreads over (their Host headers differ); null over HttpClient.</param>
public sealed record Ec2Request(string Action, string Body, byte[][]? Bytes);
