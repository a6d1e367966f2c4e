using System.Text.Json;

namespace Harness.Ecs.Protocol;

/// <summary>
/// <c>ClientToken</c> (ALIBABA.md §1.4): at most 64 ASCII characters; the same token with the same parameters gives the
/// first call's result and makes nothing new, with other parameters <c>IdempotentParameterMismatch</c>. Remembered as
/// EC2's are (<see cref="Harness.ControlPlane.Regions.IClientTokens"/>), apart from them by action.
/// </summary>
internal static class ClientTokenCall
{
    /// <summary>Signing and transport parameters, which differ between two sends of one request.</summary>
    private static readonly HashSet<string> NotCompared = new(StringComparer.Ordinal)
    {
        "ClientToken", "Signature", "SignatureNonce", "SignatureMethod", "SignatureVersion", "SignatureType", "Timestamp",
        "AccessKeyId", "SecurityToken", "Format", "Action", "Version",
    };

    public static async Task<T> RunAsync<T>(EcsContext context, Func<Task<T>> create)
        where T : class
    {
        if (context.Parameters.Get("ClientToken") is not { } token)
        {
            return await create();
        }

        if (token.Length > 64 || !token.All(char.IsAscii))
        {
            throw AlibabaErrors.InvalidParameter("ClientToken", "The specified parameter \"ClientToken\" is not valid: at most 64 ASCII characters.");
        }

        var fingerprint = string.Join('\n', context.Parameters.Values
            .Where(p => !NotCompared.Contains(p.Key))
            .SelectMany(Numbered)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));
        var (result, _) = await context.ClientTokens.RunAsync(
            context.Region, "acs:" + context.Action + ":" + token, fingerprint, context.Time.GetUtcNow(), async () => await create());
        return (T)result;
    }

    /// <summary>
    /// A list given as one JSON array (<c>SecurityGroupIds=["sg-a","sg-b"]</c>, as aliyungo sends it) as the numbered
    /// parameters it stands for (<c>SecurityGroupIds.1</c>, <c>.2</c>), so that a retry in either form is the same request.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string>> Numbered(KeyValuePair<string, string> parameter)
    {
        List<string?>? items = null;
        if (parameter.Value.StartsWith('['))
        {
            try
            {
                items = JsonSerializer.Deserialize<List<string?>>(parameter.Value);
            }
            catch (JsonException)
            {
                // Not a list of strings: compared as sent.
            }
        }

        return items is null
            ? [parameter]
            : items.Select((item, i) => new KeyValuePair<string, string>($"{parameter.Key}.{i + 1}", item ?? ""));
    }
}
