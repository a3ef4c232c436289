using System.Runtime.CompilerServices;
using Provenance.Text;

namespace Provenance.Detector.Features;

/// <summary>
/// Stable 64-bit hashing for tokens and n-grams. string.GetHashCode is randomised per process, and the shipped
/// model's embedding rows are addressed by these hashes, so they must be identical on every machine and run.
/// </summary>
internal static class FeatureHash
{
    public const ulong Start = StableHash.FnvOffset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong hash, char c) => StableHash.FnvAdd(hash, c);

    public static ulong Of(ReadOnlySpan<char> chars) => StableHash.Fnv(chars);

    /// <summary>Combines two hashes order-sensitively (for n-grams), then avalanches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Combine(ulong a, ulong b) => Mix(a * StableHash.GoldenRatio + Mix(b + 0x632BE59BD9B4E019UL));

    /// <summary>MurmurHash3's finaliser: FNV's low bits are weak, and buckets are taken from the low bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }

    /// <summary>The bucket of <paramref name="hash"/> under <paramref name="salt"/> in a power-of-two table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Bucket(ulong hash, ulong salt, int buckets) => (long)(Mix(hash ^ salt) & (ulong)(buckets - 1));
}
