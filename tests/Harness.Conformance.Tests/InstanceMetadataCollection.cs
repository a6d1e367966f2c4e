namespace Harness.Conformance.Tests;

/// <summary>
/// Tests that drive <see cref="Amazon.Util.EC2InstanceMetadata"/>: its endpoint is process-wide (an environment variable
/// and a static cache), so they run one at a time and never beside another test, on one harness.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InstanceMetadataCollection : ICollectionFixture<SdkHarness>
{
    public const string Name = "instance metadata";
}
