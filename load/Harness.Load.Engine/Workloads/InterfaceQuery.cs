namespace Harness.Load.Workloads;

/// <summary>What a <c>describe-storm</c> call asks DescribeNetworkInterfaces for; each cloud states it in its own parameters.</summary>
public abstract record InterfaceQuery
{
    private InterfaceQuery()
    {
    }

    /// <summary>One interface by its id.</summary>
    public sealed record ById(string InterfaceId) : InterfaceQuery;

    /// <summary>The interfaces attached to one instance.</summary>
    public sealed record ByInstance(string InstanceId) : InterfaceQuery;

    /// <summary>The interface that holds a private address, if any does.</summary>
    public sealed record ByAddress(string Ip) : InterfaceQuery;

    /// <summary>An unfiltered first page of <paramref name="Size"/> interfaces.</summary>
    public sealed record FirstPage(int Size) : InterfaceQuery;
}
