using System.Runtime.CompilerServices;

namespace Provenance.Text;

/// <summary>
/// The hash primitives whose values must never change: FNV-1a and SplitMix64. The shipped detector model's feature
/// rows, MinHash signatures, the sample-key start of a seeded mix (and so every manifest hash) and the trainer's random
/// sequence are all made of them, so they must give the same bits on every machine, run and .NET release, which
/// <see cref="string.GetHashCode()"/> and <see cref="Random"/> do not promise.
/// </summary>
public static class StableHash
{
    /// <summary>
    /// 2^64 divided by the golden ratio: SplitMix64's increment, and the multiplier of Fibonacci hashing, whose top
    /// bits depend on every bit of the key.
    /// </summary>
    public const ulong GoldenRatio = 0x9E3779B97F4A7C15UL;

    /// <summary>FNV-1a's offset basis: the hash of nothing, where every FNV-1a hash starts.</summary>
    public const ulong FnvOffset = 14695981039346656037UL;

    const ulong FnvPrime = 1099511628211UL;

    /// <summary>One FNV-1a step: <paramref name="value"/> (a character, or a hash of something smaller) folded into <paramref name="hash"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong FnvAdd(ulong hash, ulong value) => unchecked((hash ^ value) * FnvPrime);

    /// <summary>FNV-1a over the UTF-16 code units of <paramref name="chars"/>.</summary>
    public static ulong Fnv(ReadOnlySpan<char> chars)
    {
        var hash = FnvOffset;
        foreach (var c in chars)
        {
            hash = FnvAdd(hash, c);
        }
        return hash;
    }

    /// <summary>
    /// SplitMix64's output function (Steele, Lea and Flood 2014, after MurmurHash3's finaliser): a bijection whose
    /// output bits each depend on every input bit, which FNV's low bits and consecutive seeds lack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SplitMix64Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>The next value of the SplitMix64 generator whose state is <paramref name="state"/>, which it advances.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SplitMix64Next(ref ulong state)
    {
        state = unchecked(state + GoldenRatio);
        return SplitMix64Mix(state);
    }
}
