using Harness.Domain.Catalog;
using Harness.Domain.Errors;

namespace Harness.ControlPlane.Limits;

/// <summary>
/// The vCPUs running instances hold, per region and instance bucket, against <see cref="HarnessOptions.VcpuLimit"/>.
/// Each instance takes its own when it launches or starts and gives them back when it stops or terminates, so
/// concurrent launches cannot both squeeze past the quota. One lock: a take is a few additions.
/// </summary>
public sealed class VcpuLedger(HarnessOptions options)
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string Region, string Bucket), long> used = [];

    public int Limit => options.VcpuLimit;

    /// <summary>
    /// How many instances of <paramref name="instanceType"/>, at most <paramref name="maxCount"/>, fit now: EC2 launches the
    /// largest number between MinCount and MaxCount it can, and none, with <c>VcpuLimitExceeded</c>, when fewer than
    /// <paramref name="minCount"/> fit. Takes nothing: each instance takes its own as it launches.
    /// </summary>
    public int Fitting(string region, string instanceType, int minCount, int maxCount)
    {
        var (key, vcpus) = KeyOf(region, instanceType);
        lock (gate)
        {
            var count = (int)Math.Min(maxCount, Math.Max(0, options.VcpuLimit - used.GetValueOrDefault(key)) / vcpus);
            return count >= minCount ? count : throw Ec2Errors.VcpuLimitExceeded(options.VcpuLimit);
        }
    }

    /// <summary>Takes one instance's vCPUs, or throws <c>VcpuLimitExceeded</c> when they do not fit.</summary>
    public void Take(string region, string instanceType)
    {
        var (key, vcpus) = KeyOf(region, instanceType);
        lock (gate)
        {
            var now = used.GetValueOrDefault(key);
            if (now + vcpus > options.VcpuLimit)
            {
                throw Ec2Errors.VcpuLimitExceeded(options.VcpuLimit);
            }

            used[key] = now + vcpus;
        }
    }

    /// <summary>Gives back one instance's vCPUs.</summary>
    public void Release(string region, string instanceType)
    {
        var (key, vcpus) = KeyOf(region, instanceType);
        lock (gate)
        {
            var left = used.GetValueOrDefault(key) - vcpus;
            if (left > 0)
            {
                used[key] = left;
            }
            else
            {
                used.Remove(key);
            }
        }
    }

    /// <summary>The vCPUs running instances of <paramref name="bucket"/> hold in <paramref name="region"/>.</summary>
    public long InUse(string region, string bucket = InstanceBuckets.Standard)
    {
        lock (gate)
        {
            return used.GetValueOrDefault((region, bucket));
        }
    }

    /// <summary>What each bucket of <paramref name="region"/> holds, to keep (a cluster's vCPU grain with <c>--state</c>).</summary>
    internal Dictionary<string, long> Holdings(string region)
    {
        lock (gate)
        {
            return used.Where(u => u.Key.Region == region).ToDictionary(u => u.Key.Bucket, u => u.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>Takes back what <see cref="Holdings"/> gave.</summary>
    internal void Restore(string region, Dictionary<string, long> holdings)
    {
        lock (gate)
        {
            foreach (var (bucket, vcpus) in holdings)
            {
                used[(region, bucket)] = vcpus;
            }
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            used.Clear();
        }
    }

    private static ((string, string) Key, long Vcpus) KeyOf(string region, string instanceType) =>
        ((region, InstanceBuckets.Of(instanceType)), InstanceTypeCatalog.Of(instanceType).VCpus);
}
