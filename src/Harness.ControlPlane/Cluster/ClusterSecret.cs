namespace Harness.ControlPlane.Cluster;

/// <summary>
/// The secret every process of a cluster shares (IMDSv2 tokens are keyed from it), drawn from a CSPRNG by the world
/// grain and handed to each process as it joins; a re-join hands it back to a world grain that lost it. Null alone:
/// a harness alone keys its tokens from a fresh secret of its own.
/// </summary>
public sealed class ClusterSecret
{
    private byte[]? key;

    public byte[]? Key => Volatile.Read(ref key);

    /// <summary>Takes the cluster's secret; the first one taken stays.</summary>
    internal void Take(byte[] secret) => Interlocked.CompareExchange(ref key, secret, null);
}
