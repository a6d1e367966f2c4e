namespace Harness.Load.Workloads;

/// <summary>
/// A Query call built once by <see cref="Ec2Api.Prepare"/>: its action, its form body (what a report quotes), and
/// the whole request as bytes when it goes over the raw client.
/// </summary>
public sealed record Ec2Request(string Action, string Body, byte[]? Bytes);
