namespace Harness.Load.Imds;

/// <summary>The instance the IMDS benchmark reads, and the reply it gets; the bare endpoint serves the same bytes.</summary>
internal sealed record ImdsFixtureResult(
    int Instances,
    int Batch,
    int Parallel,
    string InstanceType,
    double RegisterSeconds,
    double InstancesPerSecond,
    string InstanceId,
    string ImdsEndpoint,
    string Mac,
    string Url,
    string Body,
    List<string> Headers);
