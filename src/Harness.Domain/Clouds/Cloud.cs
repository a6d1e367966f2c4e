namespace Harness.Domain.Clouds;

/// <summary>Which cloud a region belongs to: its ids, addressing rules and API dialect.</summary>
public enum Cloud
{
    Aws,
    Alibaba,
}
