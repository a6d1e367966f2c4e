using System.Text;

namespace Harness.Testing.Fuzz;

/// <summary>
/// Seeded requests for every served action, built from its real wire parameters and then mutated: list indexes
/// (leading zeros, 0, huge), names, values (huge, badly percent-encoded), duplicates, drops, over-long lists, and the
/// HTTP framing. <paramref name="ids"/> are real resources, so that requests reach past validation.
/// </summary>
public sealed class Ec2Mutator(Random random, IReadOnlyList<string> ids)
{
    private static readonly string[] Indexes = ["1", "2", "0", "01", "001", "007", "10", "99999999999", "2147483648", "1" + new string('0', 40)];

    private static readonly string[] Junk =
    [
        "", "0", "1", "-1", "1000", "2147483648", "abc", "true", "10.0.1.5", "10.0.1.300", "10.0.0.0/16", "0.0.0.0/0",
        "eni-123", "i-1", "vpc-x", "subnet-0123456789abcdef0", "ami-0123456789abcdef0", "t3.large", "standard", "required",
        "description", "sourceDestCheck", "network-interface", "instance", "tag:Name", "*", "?*", "vpc-id", "tag-key",
        new string('x', 300), "ü\u0000\u2028", "%", "aws:reserved",
    ];

    private static readonly string[] RawJunk = ["%", "%Z", "%ZZ", "%C3%28", "%FF%FE", "%00", "%E2%82", "&&", "==", "+", "%2", "%%41"];

    public (string Action, byte[] Request) Next(string host)
    {
        var action = FuzzCatalog.Actions[random.Next(FuzzCatalog.Actions.Length)];
        var names = FuzzCatalog.Parameters[action];
        var pairs = new List<(string Key, string Value)> { ("Action", action), ("Version", "2016-11-15") };
        for (var count = random.Next(0, 7); count > 0 && names.Length > 0; count--)
        {
            pairs.Add((WithIndexes(names[random.Next(names.Length)], 2), Value()));
        }

        for (var mutations = random.Next(0, 4); mutations > 0; mutations--)
        {
            Mutate(pairs, names);
        }

        var body = Encode(pairs);
        if (random.Next(40) == 0)
        {
            return (action, RawRequest.Build("GET", "/?" + Encoding.ASCII.GetString(body), host, [], [], RawRequest.Framing.ContentLength));
        }

        var framing = random.Next(10) < 6 ? RawRequest.Framing.ContentLength : (RawRequest.Framing)random.Next(1, 9);
        var target = random.Next(50) == 0 ? "/_harness/clients/c-" + random.Next(3) + "/ec2" : "/";
        var contentType = random.Next(30) switch
        {
            0 => "text/plain",
            1 => "multipart/form-data; boundary=x",
            _ => "application/x-www-form-urlencoded; charset=utf-8",
        };
        (string, string)[] headers =
        [
            ("Content-Type", contentType),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/" + (random.Next(8) == 0 ? "xx-nowhere-9" : "us-east-1") + "/ec2/aws4_request, SignedHeaders=host, Signature=00"),
        ];
        return (action, RawRequest.Build("POST", target, host, headers, body, framing));
    }

    private void Mutate(List<(string Key, string Value)> pairs, string[] names)
    {
        var at = pairs.Count == 0 ? -1 : random.Next(pairs.Count);
        switch (random.Next(10))
        {
            case 0 when at >= 0: // the same element under a second spelling, or the same name twice
                var (key, _) = pairs[at];
                pairs.Add((random.Next(2) == 0 ? key : key.Replace(".1", ".01", StringComparison.Ordinal), Value()));
                break;
            case 1 when at >= 0:
                pairs.RemoveAt(at);
                break;
            case 2 when at >= 0: // a name bent out of shape
                var name = pairs[at].Key;
                pairs[at] = (random.Next(4) switch
                {
                    0 => name.ToLowerInvariant(),
                    1 => name + ".",
                    2 => name.Replace(".", "..", StringComparison.Ordinal),
                    _ => name + "." + Indexes[random.Next(Indexes.Length)],
                }, pairs[at].Value);
                break;
            case 3 when at >= 0:
                pairs[at] = (pairs[at].Key, random.Next(3) == 0 ? new string('v', random.Next(1000, 70_000)) : Value());
                break;
            case 4: // a long list: far past EC2's limits
                var list = names.Where(n => n.EndsWith(".N", StringComparison.Ordinal)).ToArray();
                if (list.Length > 0)
                {
                    var template = list[random.Next(list.Length)];
                    var length = random.Next(2) == 0 ? random.Next(190, 260) : random.Next(900, 1200);
                    for (var i = 1; i <= length; i++)
                    {
                        pairs.Add((WithIndexes(template, 1).Replace(".1", "." + i, StringComparison.Ordinal), i % 7 == 0 ? Value() : "x" + i));
                    }
                }

                break;
            case 5:
                pairs.Add(("Filter." + Indexes[random.Next(Indexes.Length)] + ".Name", Value()));
                pairs.Add(("Filter." + Indexes[random.Next(Indexes.Length)] + ".Value." + Indexes[random.Next(Indexes.Length)], Value()));
                break;
            case 6:
                pairs.Add(("Action", random.Next(2) == 0 ? "" : FuzzCatalog.Actions[random.Next(FuzzCatalog.Actions.Length)]));
                break;
            default:
                if (names.Length > 0)
                {
                    pairs.Add((WithIndexes(names[random.Next(names.Length)], Indexes.Length), Value()));
                }

                break;
        }
    }

    private string WithIndexes(string name, int choices)
    {
        while (name.Contains(".N", StringComparison.Ordinal))
        {
            var i = name.IndexOf(".N", StringComparison.Ordinal);
            name = name[..(i + 1)] + Indexes[random.Next(choices)] + name[(i + 2)..];
        }

        return name;
    }

    private string Value() => random.Next(3) == 0 && ids.Count > 0 ? ids[random.Next(ids.Count)] : Junk[random.Next(Junk.Length)];

    private byte[] Encode(List<(string Key, string Value)> pairs)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }

            text.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
            if (random.Next(25) == 0)
            {
                text.Append(RawJunk[random.Next(RawJunk.Length)]);
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
