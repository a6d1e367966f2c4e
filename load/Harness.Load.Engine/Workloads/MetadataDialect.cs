using System.Text.Json;

namespace Harness.Load.Workloads;

/// <summary>
/// How one cloud's instance metadata is read by the pollers: the token request's header, the header a read sends the
/// token in, and the interface's leaf that lists its private addresses, with how that leaf's body is read into lines
/// (what the <see cref="ConvergenceTracker"/> compares).
/// </summary>
public sealed class MetadataDialect
{
    private readonly Func<string, string?> lines;

    private MetadataDialect(string tokenTtlHeader, string tokenHeader, string addressesLeaf, Func<string, string?> lines)
    {
        TokenTtlHeader = tokenTtlHeader;
        TokenHeader = tokenHeader;
        AddressesLeaf = addressesLeaf;
        this.lines = lines;
    }

    /// <summary>EC2's IMDSv2: <c>local-ipv4s</c> lists the addresses one a line.</summary>
    public static MetadataDialect Ec2 { get; } = new("X-aws-ec2-metadata-token-ttl-seconds", "X-aws-ec2-metadata-token", "local-ipv4s", body => body);

    /// <summary>Alibaba's hardened mode: <c>private-ipv4s</c> is a JSON array, primary first (<c>["10.0.1.4","10.0.1.50"]</c>).</summary>
    public static MetadataDialect Alibaba { get; } = new(
        "X-aliyun-ecs-metadata-token-ttl-seconds", "X-aliyun-ecs-metadata-token", "private-ipv4s", JsonArrayLines);

    /// <summary>How long the pollers' tokens live, in seconds: the most either cloud allows (six hours).</summary>
    public const int TokenTtlSeconds = 21_600;

    public string TokenTtlHeader { get; }

    public string TokenHeader { get; }

    /// <summary>The leaf under <c>network/interfaces/macs/&lt;mac&gt;/</c> the pollers read (and their step is named after).</summary>
    public string AddressesLeaf { get; }

    public string AddressesPath(string mac) => $"/latest/meta-data/network/interfaces/macs/{mac}/{AddressesLeaf}";

    /// <summary>The addresses <paramref name="body"/> lists, one a line; null when it is not what the leaf serves.</summary>
    public string? Lines(string body) => body.Length == 0 ? "" : lines(body);

    /// <summary><c>["10.0.0.5","10.0.0.6"]</c> as <c>10.0.0.5\n10.0.0.6</c>; null for anything but an array of strings.</summary>
    internal static string? JsonArrayLines(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<string[]>(body) is { } addresses && addresses.All(a => a is not null) ? string.Join('\n', addresses) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
