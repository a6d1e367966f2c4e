using System.Text;

namespace Harness.Testing.Fuzz;

/// <summary>
/// Seeded requests for every served Alibaba ECS and VPC action, built from its real wire parameters with values that
/// fit the name (ids of <paramref name="topology"/>'s resources, addresses in its vSwitch) or not (wrong, negative, huge,
/// non-numeric, non-ASCII, JSON arrays), then mutated: duplicates, drops, bent names, long lists, wrong or missing
/// Version, Action, RegionId and Format; sent as a GET query, a POST form, a POST query (ACS3 SDKs), or with
/// Action/Version in the <c>x-acs-*</c> headers only, with bad form bodies and broken HTTP framing.
/// </summary>
public sealed class EcsMutator(Random random, EcsFuzzTopology topology)
{
    private static readonly string[] Indexes = ["1", "2", "3", "0", "01", "-1", "+1", "1 ", "2147483647", "2147483648", "99999999999"];

    private static readonly string[] Junk =
    [
        "", " ", "0", "1", "-1", "-2147483648", "2147483648", "99999999999999999999", "1.5", "1e3", "0x10", "٣", "abc", "true", "False",
        "null", "10.0.0.0/16", "10.0.1.0/24", "10.0.1.16/28", "10.0.1.300", "0.0.0.0/0", "192.168.0.1", "::1", "cn-hangzhou", "cn-hangzhou-h",
        "cn-beijing-f", "us-east-1", "ecs.g7.large", "ecs.nope", "t3.large", "Secondary", "Trunk", "eni-1", "eni-", "i-1", "vpc-x", "vsw-", "sg-",
        "eni-bp1aaaaaaaaaaaaaaaaaaa", "i-bp1aaaaaaaaaaaaaaaaaaa", "Available", "InUse", "Running", "Stopped", "Deleting", "AllTogether",
        "SuccessFirst", "optional", "required", "enabled", "disabled", "acs:x", "aliyun", "*", "%", "&", "=", ",", "a,b", "\"", "<a>&amp;</a>",
        "{}", "[]", "[null]", "[1,2]", "[\"a\",\"a\"]", "[", "[[\"x\"]]", "ü\u0000\u2028", "中文名", "\uD800", new string('x', 300),
    ];

    private static readonly string[] RawJunk = ["%", "%Z", "%ZZ", "%C3%28", "%FF%FE", "%00", "%E2%82", "&&", "==", "+", "%2", "%%41"];

    private static readonly string[] Versions = ["2014-05-26", "2016-04-28", "2014-05-27", "2016-4-28", "", " 2014-05-26", "latest"];

    public (string Action, byte[] Request) Next(string host)
    {
        var action = EcsFuzzCatalog.Names[random.Next(EcsFuzzCatalog.Names.Length)];
        var (version, names) = EcsFuzzCatalog.Actions[action];
        var pairs = new List<(string Key, string Value)> { ("Action", action), ("Version", version), ("RegionId", EcsFuzzTopology.Region) };
        if (random.Next(4) > 0)
        {
            pairs.Add(("Format", random.Next(4) == 0 ? "XML" : "JSON"));
        }

        // A third are well-formed (every core parameter, fitting values only, sound framing), so that they reach the
        // grains and change state; the rest name some fitting parameters, then junk, then mutations.
        var clean = random.Next(3) == 0;
        foreach (var name in names.Where(n => Fitting(n) is not null && ((clean && Core(n)) || random.Next(3) > 0)).Take(clean ? 10 : 4))
        {
            pairs.Add((WithIndexes(name, clean ? 1 : 2), clean ? Fitting(name)! : Value(name)));
        }

        for (var count = clean ? 0 : random.Next(0, 5); count > 0; count--)
        {
            var name = names[random.Next(names.Length)];
            pairs.Add((WithIndexes(name, 3), Value(name)));
        }

        for (var mutations = clean ? 0 : random.Next(0, 4); mutations > 0; mutations--)
        {
            Mutate(pairs, names);
        }

        return (action, Send(pairs, host, clean));
    }

    private static bool Core(string name) =>
        name is "NetworkInterfaceId" or "InstanceId" or "InstanceId.N" or "VSwitchId" or "VpcId" or "SecurityGroupId" or "ZoneId" or "CidrBlock" or "InstanceType";

    private byte[] Send(List<(string Key, string Value)> pairs, string host, bool clean)
    {
        var headers = new List<(string Name, string Value)>();
        if (random.Next(8) == 0)
        {
            // An ACS3 client: Action and Version in headers only (or one of them), the rest in the query.
            var action = pairs.FirstOrDefault(p => p.Key == "Action").Value;
            var version = pairs.FirstOrDefault(p => p.Key == "Version").Value;
            pairs.RemoveAll(p => p.Key is "Action" or "Version");
            if (action is not null && random.Next(6) > 0)
            {
                headers.Add(("x-acs-action", action));
            }

            if (version is not null && random.Next(6) > 0)
            {
                headers.Add(("x-acs-version", version));
            }

            headers.Add(("x-acs-signature-nonce", "n" + random.Next()));
            headers.Add(("x-acs-date", "2026-12-08T01:02:03Z"));
            // A whole signature over the headers sent (so the request reaches its action), one time in eight a partial one.
            var signed = string.Join(';', headers.Select(h => h.Name).Where(n => n.StartsWith("x-acs-", StringComparison.Ordinal)).Prepend("host"));
            headers.Add(("Authorization", random.Next(8) == 0
                ? "ACS3-HMAC-SHA256 Credential=LTAI5tHarnessExample,SignedHeaders=host;x-acs-absent,Signature=00"
                : $"ACS3-HMAC-SHA256 Credential=LTAI5tHarnessExample,SignedHeaders={signed},Signature=00"));
        }
        else if (random.Next(4) == 0)
        {
            // An HMAC-SHA1 client (pop-core, aliyungo): the signature in the parameters, one time in eight not Base64.
            pairs.AddRange([
                ("AccessKeyId", "LTAI5tHarnessExample"), ("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"),
                ("SignatureNonce", "n" + random.Next()), ("Timestamp", "2026-12-08T01:02:03Z"),
                ("Signature", random.Next(8) == 0 ? "00" : "OLeaidS1JvxuMvnyHOwuJ+uX5qY="),
            ]);
        }

        // A GET query, a POST query with no body (ACS3 SDKs), a POST form (pop-core), or a POST split between the two.
        var style = random.Next(10);
        var split = style switch { < 3 => pairs.Count, < 5 => pairs.Count, < 9 => 0, _ => random.Next(pairs.Count + 1) };
        var query = Encoding.ASCII.GetString(Encode(pairs[..split], clean));
        var body = Encode(pairs[split..], clean);
        var target = query.Length > 0 ? "/?" + query : "/";
        if (style < 3)
        {
            return RawRequest.Build("GET", target, host, headers, [], RawRequest.Framing.ContentLength);
        }

        headers.Add(("Content-Type", clean ? "application/x-www-form-urlencoded" : random.Next(25) switch
        {
            0 => "text/plain",
            1 => "multipart/form-data; boundary=x",
            2 => "application/json",
            3 => "application/x-www-form-urlencoded; charset=latin1",
            4 => "application/x-www-form-urlencoded; charset=nope",
            _ => "application/x-www-form-urlencoded; charset=utf-8",
        }));
        if (!clean && random.Next(30) == 0)
        {
            body = Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "--x\r\nContent-Disposition: form-data; name=\"Action\"\r\n\r\n" : "{\"Action\":\"DescribeVpcs\"}");
        }

        // A body declared over the port's 1 MiB cap is refused (413) before it is sent, as on the EC2 port.
        var framing = random.Next(10) < 7 || clean ? RawRequest.Framing.ContentLength : (RawRequest.Framing)random.Next(1, 9);
        return RawRequest.Build("POST", target, host, headers, body, framing);
    }

    private void Mutate(List<(string Key, string Value)> pairs, string[] names)
    {
        var at = random.Next(pairs.Count);
        switch (random.Next(11))
        {
            case 0: // the same name twice (the last one counts), or the same element under a second index
                var (key, _) = pairs[at];
                pairs.Add((random.Next(2) == 0 ? key : key.Replace(".1", ".01", StringComparison.Ordinal), Value(key)));
                break;
            case 1: // any parameter missing, Action, Version and RegionId included
                pairs.RemoveAt(at);
                break;
            case 2: // a name bent out of shape
                var name = pairs[at].Key;
                pairs[at] = (random.Next(4) switch
                {
                    0 => name.ToLowerInvariant(),
                    1 => name + ".",
                    2 => name.Replace(".", "..", StringComparison.Ordinal),
                    _ => name + "." + Indexes[random.Next(Indexes.Length)],
                }, pairs[at].Value);
                break;
            case 3: // huge
                pairs[at] = (pairs[at].Key, random.Next(3) == 0 ? new string('v', random.Next(1000, 70_000)) : Junk[random.Next(Junk.Length)]);
                break;
            case 4: // a long list, far past Alibaba's limits (and past ASP.NET's 1,024 form values)
                var indexed = names.Where(n => n.EndsWith(".N", StringComparison.Ordinal)).ToArray();
                if (indexed.Length > 0)
                {
                    var template = indexed[random.Next(indexed.Length)];
                    var length = random.Next(2) == 0 ? random.Next(40, 260) : random.Next(900, 1200);
                    for (var i = 1; i <= length; i++)
                    {
                        pairs.Add((WithIndexes(template, 1).Replace(".1", "." + i, StringComparison.Ordinal), i % 7 == 0 ? Value(template) : Fitting(template) ?? "x" + i));
                    }
                }

                break;
            case 5 or 10: // a list as one JSON array (aliyungo's untagged slices), of fitting values, junk, nulls, numbers
                var lists = names.Where(n => n.EndsWith(".N", StringComparison.Ordinal) || n.EndsWith("Ids", StringComparison.Ordinal)).ToArray();
                var list = (lists.Length > 0 ? lists[random.Next(lists.Length)] : names[random.Next(names.Length)]).Replace(".N", "", StringComparison.Ordinal);
                var items = Enumerable.Range(0, random.Next(0, 4)).Select(_ => System.Text.Json.JsonSerializer.Serialize(Value(list))).ToList();
                if (random.Next(2) == 0)
                {
                    items.Insert(random.Next(items.Count + 1), random.Next(3) switch { 0 => "null", 1 => "7", _ => "\"\"" });
                }

                // Without the indexed form of the same list, which the facade would read first.
                pairs.RemoveAll(p => p.Key.StartsWith(list + ".", StringComparison.Ordinal));
                pairs.Add((list, "[" + string.Join(',', items) + "]"));
                break;
            case 6:
                pairs.Add(("Version", Versions[random.Next(Versions.Length)]));
                break;
            case 7:
                pairs.Add(("Action", random.Next(3) == 0 ? "" : EcsFuzzCatalog.Names[random.Next(EcsFuzzCatalog.Names.Length)]));
                break;
            case 8:
                pairs.Add(("RegionId", random.Next(2) == 0 ? "cn-beijing" : Junk[random.Next(Junk.Length)]));
                break;
            default:
                pairs.Add(("Format", random.Next(3) switch { 0 => "XML", 1 => "xml", _ => Junk[random.Next(Junk.Length)] }));
                break;
        }
    }

    /// <summary>A fitting value two times in three when the name has one, otherwise an id of any kind or junk.</summary>
    private string Value(string name) => (random.Next(3) > 0 ? Fitting(name) : null)
        ?? (random.Next(3) == 0 ? topology.Ids[random.Next(topology.Ids.Count)] : Junk[random.Next(Junk.Length)]);

    /// <summary>A value that fits the parameter, drawn anew each time, or null for a name it does not know.</summary>
    private string? Fitting(string name)
    {
        var leaf = name.Replace(".N", "", StringComparison.Ordinal);
        leaf = leaf[(leaf.LastIndexOf('.') + 1)..];
        var host = random.Next(256);
        return leaf switch
        {
            "NetworkInterfaceId" => Pick(topology.Enis),
            "InstanceId" or "InstanceIds" => leaf == "InstanceIds" ? $"[\"{Pick(topology.Instances)}\"]" : Pick(topology.Instances),
            "VSwitchId" => topology.VSwitch,
            "VpcId" => topology.Vpc,
            "SecurityGroupId" or "SecurityGroupIds" => topology.SecurityGroup,
            "PrivateIpAddress" or "PrimaryIpAddress" or "PrivateIpAddresses" => $"10.{topology.Octet}.1.{host}",
            "Ipv4Prefix" => $"10.{topology.Octet}.1.{host & 0xf0}/28",
            "CidrBlock" => random.Next(2) == 0 ? $"10.{topology.Octet}.{host}.0/24" : $"10.{host}.0.0/16",
            "ZoneId" => random.Next(4) == 0 ? "cn-hangzhou-i" : EcsFuzzTopology.Zone,
            "InstanceType" => name.StartsWith("NetworkInterface", StringComparison.Ordinal) ? "Secondary" : random.Next(4) == 0 ? "ecs.g6.large" : "ecs.g7.large",
            "Amount" or "MinAmount" or "NetworkCardIndex" or "Ipv4PrefixCount" or "PageNumber" => random.Next(0, 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "SecondaryPrivateIpAddressCount" or "PageSize" or "MaxResults" or "HttpPutResponseHopLimit" => random.Next(0, 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "NextToken" => random.Next(0, 12).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "Force" or "DryRun" or "DeleteOnRelease" or "SourceDestCheck" => random.Next(2) == 0 ? "true" : "false",
            "BatchOptimization" => random.Next(2) == 0 ? "AllTogether" : "SuccessFirst",
            "HttpTokens" => random.Next(2) == 0 ? "optional" : "required",
            "HttpEndpoint" => random.Next(2) == 0 ? "enabled" : "disabled",
            "Status" => Pick(["Available", "InUse", "Running", "Stopped", "Pending", "Attaching"]),
            "Key" => "k" + random.Next(3),
            "Value" => "v" + random.Next(3),
            "ClientToken" => "token-" + random.Next(4),
            "Description" or "VpcName" or "VSwitchName" or "InstanceName" or "NetworkInterfaceName" or "SecurityGroupName" or "HostName" => "fuzz-" + random.Next(4),
            _ => null,
        };
    }

    private string Pick(IReadOnlyList<string> values) => values[random.Next(values.Count)];

    private string WithIndexes(string name, int choices)
    {
        while (name.Contains(".N", StringComparison.Ordinal))
        {
            var i = name.IndexOf(".N", StringComparison.Ordinal);
            name = name[..(i + 1)] + Indexes[random.Next(choices)] + name[(i + 2)..];
        }

        return name;
    }

    private byte[] Encode(List<(string Key, string Value)> pairs, bool clean)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }

            text.Append(Uri.EscapeDataString(key)).Append('=').Append(Escape(value));
            if (!clean && random.Next(25) == 0)
            {
                text.Append(RawJunk[random.Next(RawJunk.Length)]);
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Uri.EscapeDataString refuses a lone surrogate; it goes as the bytes of U+FFFD, as a client's encoder would send it.</summary>
    private static string Escape(string value) => Uri.EscapeDataString(value.Replace("\uD800", "\uFFFD", StringComparison.Ordinal));
}
