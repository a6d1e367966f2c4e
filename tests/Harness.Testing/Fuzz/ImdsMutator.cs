using System.Text;

namespace Harness.Testing.Fuzz;

/// <summary>Seeded requests for an instance's metadata service: methods, paths, token headers, bodies and framing.</summary>
public sealed class ImdsMutator(Random random)
{
    private static readonly string[] Methods = ["GET", "GET", "GET", "PUT", "PUT", "HEAD", "POST", "DELETE", "OPTIONS", "PATCH"];

    private static readonly string[] Paths =
    [
        "/", "/latest", "/latest/", "/latest/meta-data", "/latest/meta-data/", "/latest/meta-data/instance-id",
        "/latest/meta-data/local-ipv4", "/latest/meta-data/mac", "/latest/meta-data/network/interfaces/macs/",
        "/latest/meta-data/network/interfaces/macs/02:00:00:00:00:01/local-ipv4s", "/latest/api/token",
        "/latest/dynamic/instance-identity/document", "/latest/user-data", "/latest/meta-data/tags/instance/",
        "/latest/meta-data/../../etc/passwd", "/latest/meta-data/%00", "/latest/meta-data/%ZZ", "//latest//meta-data",
        "/2009-04-04/meta-data/", "/latest/meta-data/" + new string('a', 3000), "/latest/meta-data/ü",
    ];

    private static readonly string[] TtlValues = ["1", "21600", "0", "21601", "-1", "abc", "99999999999999999999", "", " 60"];

    public byte[] Next(string host)
    {
        var headers = new List<(string, string)>();
        var method = Methods[random.Next(Methods.Length)];
        if (random.Next(2) == 0)
        {
            headers.Add(("X-aws-ec2-metadata-token-ttl-seconds", TtlValues[random.Next(TtlValues.Length)]));
        }

        if (random.Next(3) == 0)
        {
            headers.Add(("X-aws-ec2-metadata-token", random.Next(2) == 0 ? "AQAE" + new string('A', random.Next(0, 80)) : "x"));
        }

        if (random.Next(20) == 0)
        {
            headers.Add(("X-Forwarded-For", "198.51.100.7"));
        }

        var body = random.Next(4) == 0 ? Encoding.UTF8.GetBytes(new string('b', random.Next(0, 5000))) : [];
        // Not ContentLengthOverCap: the service reads no body, and Kestrel waits out a declared body that never comes.
        var framing = random.Next(3) == 0 ? (RawRequest.Framing)random.Next(1, 9) : RawRequest.Framing.ContentLength;
        framing = framing == RawRequest.Framing.ContentLengthOverCap ? RawRequest.Framing.ChunkShort : framing;
        return RawRequest.Build(method, Paths[random.Next(Paths.Length)], host, headers, body, framing);
    }
}
