namespace Harness.Domain.Clouds;

/// <summary>
/// What Alibaba resources carry beside EC2's: a name, a description and (instances) a host name and a RAM role, kept as tags under keys
/// a user cannot write (Alibaba reserves the <c>acs:</c> prefix), and the one account every resource belongs to.
/// </summary>
public static class AlibabaNames
{
    public const string NameKey = "acs:harness:name";

    public const string DescriptionKey = "acs:harness:description";

    public const string HostNameKey = "acs:harness:hostname";

    /// <summary>The instance's RAM role (RunInstances' and CreateInstance's <c>RamRoleName</c>), whose credentials its metadata serves.</summary>
    public const string RamRoleKey = "acs:harness:ram-role";

    /// <summary>The account (owner id) of every resource: a numeric string, as Alibaba's are.</summary>
    public const string OwnerId = "1234567890123456";

    /// <summary>Alibaba's default host name for an instance: <c>iZ</c>, the id without <c>i-</c>, <c>Z</c>.</summary>
    public static string DefaultHostName(string instanceId) => "iZ" + instanceId[2..] + "Z";
}
