namespace Harness.Domain.Delays;

/// <summary>
/// A SplitMix64 generator: tiny, fast and fully determined by its seed, so a delay drawn in one run is drawn
/// again in the next. Not thread-safe; give each consumer its own instance (see <see cref="For"/>).
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private const ulong FnvOffsetBasis = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    private ulong state = seed;

    /// <summary>
    /// A generator whose seed is derived from a run seed, a key (for example a resource id) and an index, with
    /// FNV-1a 64 rather than <see cref="string.GetHashCode()"/>, which is randomized per process.
    /// </summary>
    public static SeededRandom For(int seed, string key, long index)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = FnvOffsetBasis;
        hash = Fold(hash, (uint)seed, 4);
        foreach (var c in key)
        {
            hash = Fold(hash, c, 2);
        }

        hash = Fold(hash, (ulong)index, 8);
        return new SeededRandom(Mix(hash));
    }

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15;
        return Mix(state);
    }

    /// <summary>Uniform in the open interval (0, 1): never exactly 0 or 1, so its logarithm is always finite.</summary>
    public double NextDouble() =>
        // 52 random bits plus one half stay exact in a double: the result is (k + 0.5) / 2^52, from 2^-53 to 1 - 2^-53.
        ((NextUInt64() >> 12) + 0.5) * (1.0 / (1UL << 52));

    private static ulong Fold(ulong hash, ulong value, int bytes)
    {
        for (var i = 0; i < bytes; i++)
        {
            hash ^= (value >> (8 * i)) & 0xFF;
            hash *= FnvPrime;
        }

        return hash;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
