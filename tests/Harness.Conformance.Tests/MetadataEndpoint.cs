using Amazon.Runtime.Internal;
using Amazon.Util;

namespace Harness.Conformance.Tests;

/// <summary>
/// Points <see cref="EC2InstanceMetadata"/> at one instance's metadata endpoint the way a user on that instance would:
/// <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c>. The SDK reads that variable once into a process-wide cache
/// (<see cref="FallbackInternalConfigurationFactory"/>), so the scope calls its public <c>Reset()</c> after setting it
/// and again after putting the old value back. Process-wide: only tests in <see cref="InstanceMetadataCollection"/> use it.
/// </summary>
internal sealed class MetadataEndpoint : IDisposable
{
    private const string Variable = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

    private readonly string? previous;

    private MetadataEndpoint(string endpoint)
    {
        previous = Environment.GetEnvironmentVariable(Variable);
        Environment.SetEnvironmentVariable(Variable, endpoint);
        FallbackInternalConfigurationFactory.Reset();
    }

    /// <summary>Sets the endpoint and proves the SDK took it: every metadata URL it builds starts there.</summary>
    public static MetadataEndpoint Use(string endpoint)
    {
        var scope = new MetadataEndpoint(endpoint);
        Assert.True(EC2InstanceMetadata.IsIMDSEnabled, "AWS_EC2_METADATA_DISABLED is set in this environment");
        Assert.Equal(endpoint, EC2InstanceMetadata.ServiceEndpoint);
        Assert.Equal(endpoint + "/latest/meta-data", EC2InstanceMetadata.EC2MetadataRoot);
        return scope;
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Variable, previous);
        FallbackInternalConfigurationFactory.Reset();
    }
}
