namespace Harness.ControlPlane.Metadata;

/// <summary>The kinds of change that reach an instance's metadata; each can have its own delay model.</summary>
public static class MetadataChangeKinds
{
    public const string InterfaceAttached = "interface-attached";
    public const string InterfaceDetached = "interface-detached";
    public const string PrivateIpv4s = "private-ipv4s";
    public const string Ipv4Prefixes = "ipv4-prefixes";
    public const string ElasticIps = "elastic-ips";
    public const string SecurityGroups = "security-groups";
    public const string InstanceStopped = "instance-stopped";
    public const string InstanceStarted = "instance-started";
    public const string InstanceTerminated = "instance-terminated";

    /// <summary>Not a propagated change: the timeline's record that an instance booted with a complete view.</summary>
    public const string InstanceLaunched = "instance-launched";

    public static IReadOnlyList<string> All { get; } =
    [
        InterfaceAttached, InterfaceDetached, PrivateIpv4s, Ipv4Prefixes, ElasticIps, SecurityGroups,
        InstanceStopped, InstanceStarted, InstanceTerminated,
    ];

    /// <summary>The kinds that replace one part of one interface (rather than the interface or the whole view).</summary>
    internal static IReadOnlyList<string> InterfaceParts { get; } = [PrivateIpv4s, Ipv4Prefixes, ElasticIps, SecurityGroups];

    internal static bool IsInterfacePart(string kind) => kind is PrivateIpv4s or Ipv4Prefixes or ElasticIps or SecurityGroups;
}
