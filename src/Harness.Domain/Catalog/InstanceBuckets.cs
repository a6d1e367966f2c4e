namespace Harness.Domain.Catalog;

/// <summary>
/// EC2's On-Demand vCPU quotas are per instance bucket, not per type: one quota covers every "Standard" family
/// (A, C, D, H, I, M, R, T, Z), others each have their own (F, G and VT, P, X, Inf, DL, Trn, high memory).
/// </summary>
public static class InstanceBuckets
{
    /// <summary>Standard instances, the bucket nearly every type the harness knows falls into.</summary>
    public const string Standard = "standard";

    /// <summary>The bucket whose vCPU quota <paramref name="instanceType"/> (for example <c>m5.large</c>) counts against.</summary>
    public static string Of(string instanceType)
    {
        var family = instanceType.Split('.')[0];
        return family switch
        {
            _ when family.StartsWith("inf", StringComparison.Ordinal) => "inf",
            _ when family.StartsWith("dl", StringComparison.Ordinal) => "dl",
            _ when family.StartsWith("trn", StringComparison.Ordinal) => "trn",
            _ when family.StartsWith("vt", StringComparison.Ordinal) => "g",
            _ when family.StartsWith("u-", StringComparison.Ordinal) => "high-memory",
            _ when family.Length > 0 && "acdhimrtz".Contains(family[0], StringComparison.Ordinal) => Standard,
            _ when family.Length > 0 => family[..1],
            _ => Standard,
        };
    }
}
