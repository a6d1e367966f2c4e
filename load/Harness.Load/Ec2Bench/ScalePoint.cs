namespace Harness.Load.Ec2Bench;

/// <summary>One point of the describe-scale sweep: the interfaces that existed, how fast they were made, and DescribeNetworkInterfaces by id among them.</summary>
internal sealed record ScalePoint(int Interfaces, double CreateSeconds, double CreatePerSecond, int CreateErrors, ErrorSample? FirstCreateError, BenchStats Describe);
