using System.Net;
using Harness.Load.Http;

namespace Harness.Load.Imds;

/// <summary>One GET of a metadata URL through the engine's raw client, with its headers as the benchmark records and compares them.</summary>
internal sealed record ImdsReply(int Status, List<string> Headers, byte[] Body)
{
    public static async Task<ImdsReply> GetAsync(Uri url)
    {
        if (!IPAddress.TryParse(url.Host, out var address))
        {
            throw new InvalidOperationException($"{url}: the metadata service is reached by address, not by name");
        }

        using var client = new RawHttpClient(new IPEndPoint(address, url.Port));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var reply = await client.SendAsync(RawHttpClient.Get(url.Authority, url.PathAndQuery), limit.Token);
        return new ImdsReply(reply.Status, HeadersOf(reply.HeadText), reply.Body.ToArray());
    }

    /// <summary>Every header line of <paramref name="head"/> but Date, as "Name: value", in ordinal order.</summary>
    public static List<string> HeadersOf(string head) =>
        [.. head.Split("\r\n").Skip(1)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && !parts[0].Trim().Equals("Date", StringComparison.OrdinalIgnoreCase))
            .Select(parts => $"{parts[0].Trim()}: {parts[1].Trim()}")
            .Order(StringComparer.Ordinal)];

    public ReplyCheck Check(Uri url) => new(url.ToString(), Status, string.Join("; ", Headers), System.Text.Encoding.UTF8.GetString(Body));
}
