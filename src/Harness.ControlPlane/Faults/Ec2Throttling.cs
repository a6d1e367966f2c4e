namespace Harness.ControlPlane.Faults;

/// <summary>
/// EC2's request-rate throttling (reference/EC2.md): every action has a bucket of its own per account and region,
/// sized by its class. Unfiltered, unpaginated DescribeInstances and DescribeNetworkInterfaces draw on a smaller
/// bucket than filtered ones.
/// </summary>
public static class Ec2Throttling
{
    private static readonly HashSet<string> NetworkMutations = new(StringComparer.Ordinal)
    {
        "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses", "CreateNetworkInterface", "DeleteNetworkInterface",
        "ModifyNetworkInterfaceAttribute", "TerminateInstances",
    };

    /// <summary>The bucket a call draws on, with EC2's capacity and refill per second for it.</summary>
    public static (string Bucket, double Capacity, double RefillPerSecond) BucketFor(string action, IEnumerable<string> parameterNames)
    {
        if (NetworkMutations.Contains(action))
        {
            return (action, 100, 5);
        }

        if (action is "CreateTags" or "DeleteTags")
        {
            return (action, 100, 10);
        }

        if (action == "RunInstances")
        {
            return (action, 5, 2);
        }

        if (!action.StartsWith("Describe", StringComparison.Ordinal) && !action.StartsWith("Get", StringComparison.Ordinal))
        {
            return (action, 50, 5);
        }

        if (action is "DescribeInstances" or "DescribeNetworkInterfaces" && !parameterNames.Any(IsNarrowing))
        {
            return (action + " (unfiltered)", 50, 10);
        }

        return (action, 100, 20);
    }

    private static bool IsNarrowing(string name) =>
        name.StartsWith("Filter.", StringComparison.Ordinal) || name == "MaxResults" || name == "NextToken"
        || name.StartsWith("InstanceId.", StringComparison.Ordinal) || name.StartsWith("NetworkInterfaceId.", StringComparison.Ordinal);
}
