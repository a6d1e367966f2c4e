using System.Text;

namespace Harness.Testing.Fuzz;

/// <summary>
/// Seeded requests for the control API (<c>/_harness/…</c>) with malformed ids, JSON and framing. It never resets the
/// harness nor sends a well-formed fault: an injected InternalError would be the harness doing as told, not a bug.
/// </summary>
public sealed class ControlMutator(Random random, IReadOnlyList<string> ids)
{
    private static readonly (string Method, string Path)[] Routes =
    [
        ("GET", "/_harness/health"), ("GET", "/_harness/instances"), ("GET", "/_harness/instances/{id}"),
        ("GET", "/_harness/instances/{id}/pending"), ("GET", "/_harness/instances/{id}/metadata"), ("GET", "/_harness/events"),
        ("GET", "/_harness/faults"), ("POST", "/_harness/faults"), ("GET", "/_harness/faults/{id}"), ("DELETE", "/_harness/faults/{id}"),
        ("GET", "/_harness/faults/events"), ("GET", "/_harness/propagation"), ("PUT", "/_harness/propagation"),
        ("PUT", "/_harness/propagation/instances/{id}"), ("DELETE", "/_harness/propagation/instances/{id}"),
        ("PUT", "/_harness/propagation/interfaces/{id}"), ("GET", "/_harness/clients"), ("POST", "/_harness/clients"),
        ("GET", "/_harness/clients/{id}"), ("POST", "/_harness/clients/{id}/end"), ("DELETE", "/_harness/clients/{id}"),
        ("GET", "/_harness/nowhere"), ("PATCH", "/_harness/propagation"),
    ];

    private static readonly string[] Bodies =
    [
        "", "{", "}", "[]", "null", "0", "\"x\"", "{\"kind\":123}", "{\"kind\":\"nope\"}", "{\"kind\":\"ec2-error\",\"code\":\"Nope\"}",
        "{\"delay\":\"-5s\"}", "{\"delay\":\"abc\"}", "{\"delay\":\"99999999999h\"}", "{\"name\":null}", "{\"name\":\"" + new string('n', 5000) + "\"}",
        "{\"a\":" + new string('[', 2000) + "}", "\u00ff\u00fe", "{\"delay\":\"1ms\",\"jitter\":\"-1ms\"}",
    ];

    private static readonly string[] Junk = ["x", "i-", "%00", "..", "i-00000000000000000", new string('z', 600), "%ZZ"];

    public byte[] Next(string host)
    {
        var (method, path) = Routes[random.Next(Routes.Length)];
        var id = random.Next(3) == 0 || ids.Count == 0 ? Junk[random.Next(Junk.Length)] : ids[random.Next(ids.Count)];
        path = path.Replace("{id}", id, StringComparison.Ordinal);
        if (random.Next(10) == 0)
        {
            path += "?since=" + Junk[random.Next(Junk.Length)];
        }

        var body = Encoding.UTF8.GetBytes(Bodies[random.Next(Bodies.Length)]);
        var contentType = random.Next(4) == 0 ? "text/plain" : "application/json";
        // Not ContentLengthOverCap: the control API reads up to Kestrel's 30 MB limit, so a body declared over 1 MiB and
        // never sent is a slow body, answered 408 only after Kestrel's 5 s grace.
        var framing = random.Next(3) == 0 ? (RawRequest.Framing)random.Next(1, 9) : RawRequest.Framing.ContentLength;
        framing = framing == RawRequest.Framing.ContentLengthOverCap ? RawRequest.Framing.ContentLengthShort : framing;
        return RawRequest.Build(method, path, host, [("Content-Type", contentType)], body, framing);
    }
}
