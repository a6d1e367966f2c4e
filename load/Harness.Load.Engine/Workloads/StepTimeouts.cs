namespace Harness.Load.Workloads;

/// <summary>How long a workload's call may take before it fails as "timeout": a dropped request must not hold a copy forever.</summary>
internal static class StepTimeouts
{
    /// <summary>EC2 calls: as long as the SDKs' default read time-out would let a throttled or slow call run.</summary>
    public static readonly TimeSpan Ec2 = TimeSpan.FromSeconds(30);

    /// <summary>Metadata reads: a little longer than the one-second time-outs the SDKs' metadata clients use, as a poller's budget.</summary>
    public static readonly TimeSpan Metadata = TimeSpan.FromSeconds(5);

    /// <summary>How long a copy that found nothing to do waits before it ends.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(5);
}
