using System.Security.Cryptography;
using System.Text;

namespace Harness.Host.Hardening;

/// <summary>
/// The control token: a shared secret callers of <c>/_harness/</c> send as <c>Authorization: Bearer &lt;token&gt;</c>.
/// Only its hash is kept, and a presented token is hashed and compared in constant time, so neither the comparison's
/// time nor its length gives the token away.
/// </summary>
internal sealed class ControlToken
{
    private readonly byte[] hash;

    public ControlToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>
    /// A new token: 32 bytes from the OS's CSPRNG, as URL-safe base64. Not the harness's seeded random source on
    /// purpose: a secret must not be reproducible from the seed printed beside it.
    /// </summary>
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether an Authorization header value carries this token (scheme Bearer, any case).</summary>
    public bool Accepts(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, hash);
    }
}
