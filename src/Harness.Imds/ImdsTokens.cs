using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Harness.Imds;

/// <summary>
/// IMDSv2 session tokens: self-contained (instance id and expiry, sealed with an HMAC), so the harness keeps no
/// per-token state however many clients ask. The key is a secret: drawn from a CSPRNG for each process and each reset
/// generation, never from the seed, so nobody who knows the seed can mint a token, a token from before a restart is
/// refused after it, and a token from before a reset is refused by the instance that reuses its id after. In a cluster
/// every process derives the key of each generation from the cluster's one secret (<paramref name="shared"/>, drawn
/// from a CSPRNG by the world grain), so a token one process's metadata service issued is good at any other's.
/// </summary>
internal sealed class ImdsTokens(TimeProvider time, Func<long> generation, Func<byte[]?>? shared = null)
{
    public const int MaxTtlSeconds = 21600;
    private const byte Version = 1;
    private const int MacLength = 16;

    private GenerationKey current = new(generation(), RandomNumberGenerator.GetBytes(32));

    public string Issue(string instanceId, int ttlSeconds)
    {
        var id = Encoding.UTF8.GetBytes(instanceId);
        var token = new byte[1 + 8 + id.Length + MacLength];
        token[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(1), (time.GetUtcNow() + TimeSpan.FromSeconds(ttlSeconds)).UtcTicks);
        id.CopyTo(token, 9);
        HMACSHA256.HashData(Key(), token.AsSpan(0, 9 + id.Length)).AsSpan(0, MacLength).CopyTo(token.AsSpan(9 + id.Length));
        return Convert.ToBase64String(token);
    }

    /// <summary>Whether <paramref name="token"/> was issued by this harness, for this instance, and has not expired.</summary>
    public bool IsValid(string token, string instanceId)
    {
        Span<byte> bytes = stackalloc byte[128];
        if (token.Length > 160 || !Convert.TryFromBase64String(token, bytes, out var length) || length < 1 + 8 + MacLength || bytes[0] != Version)
        {
            return false;
        }

        var sealedPart = bytes[..(length - MacLength)];
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Key(), sealedPart, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected[..MacLength], bytes.Slice(length - MacLength, MacLength)))
        {
            return false;
        }

        var expires = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        return Encoding.UTF8.GetString(sealedPart[9..]) == instanceId && time.GetUtcNow().UtcTicks < expires;
    }

    private byte[] Key()
    {
        var now = generation();
        var snapshot = Volatile.Read(ref current);
        var secret = shared?.Invoke();
        while (snapshot.Generation < now || (secret is not null && !snapshot.Shared))
        {
            // Readers racing at a reset agree on one key: the first swap wins, the others take its key.
            var fresh = secret is null
                ? new GenerationKey(now, RandomNumberGenerator.GetBytes(32))
                : new GenerationKey(now, HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes($"imds-token-key/{now}")), Shared: true);
            var seen = Interlocked.CompareExchange(ref current, fresh, snapshot);
            snapshot = ReferenceEquals(seen, snapshot) ? fresh : seen;
        }

        return snapshot.Key;
    }

    private sealed record GenerationKey(long Generation, byte[] Key, bool Shared = false);
}
