using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Harness.ControlPlane.Metadata;

namespace Harness.Imds;

/// <summary>
/// The STS credentials an Alibaba instance's metadata serves for its RAM role at <c>meta-data/ram/security-credentials/&lt;role&gt;</c>
/// (ALIBABA.md §6): <c>{AccessKeyId, AccessKeySecret, Expiration, SecurityToken, LastUpdated, Code: "Success"}</c>. The
/// secrets come from a CSPRNG, never from the seed, so knowing the seed gives nobody an instance's credentials; times come
/// from the harness's clock. Each instance keeps its set for <see cref="Lifetime"/>, and a new one is served from
/// <see cref="RenewBefore"/> before it expires (both chosen; Alibaba's own figures are unconfirmed). Kept per metadata slot
/// and process: they go with the instance, and in a cluster each process serves its own set.
/// </summary>
internal sealed class RamCredentials(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(6);

    public static readonly TimeSpan RenewBefore = TimeSpan.FromHours(1);

    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A token's <c>+</c> and <c>/</c> as they are, not as <c>\u002B</c>.</summary>
    private static readonly JsonSerializerOptions Plain = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConditionalWeakTable<MetadataSlot, Holder> issued = [];

    /// <summary>The credentials document of <paramref name="role"/> for the instance of <paramref name="slot"/>.</summary>
    public string Document(MetadataSlot slot, string role)
    {
        var holder = issued.GetOrCreateValue(slot);
        var now = time.GetUtcNow();
        lock (holder)
        {
            if (holder.Current is not { } current || current.Role != role || now >= current.Expiration - RenewBefore)
            {
                holder.Current = current = Issue(role, now);
            }

            return current.Json;
        }
    }

    private static Issued Issue(string role, DateTimeOffset now)
    {
        var expiration = now + Lifetime;
        var json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["AccessKeyId"] = "STS." + RandomNumberGenerator.GetString(Alphanumerics, 25),
            ["AccessKeySecret"] = RandomNumberGenerator.GetString(Alphanumerics, 44),
            ["Expiration"] = Format(expiration),
            ["SecurityToken"] = "CAIS" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(240)),
            ["LastUpdated"] = Format(now),
            ["Code"] = "Success",
        }, Plain);
        return new Issued(role, expiration, json);
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record Issued(string Role, DateTimeOffset Expiration, string Json);

    private sealed class Holder
    {
        public Issued? Current { get; set; }
    }
}
