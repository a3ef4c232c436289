using Provenance.Text;

namespace Provenance.Domain.Datasets;

/// <summary>
/// MinHash signatures of word 5-grams (Broder 1997): the share of equal slots in two signatures estimates the Jaccard
/// similarity of the texts' 5-gram sets. Words are runs of letters and digits, lowercased; a text of fewer than five
/// words is one shingle. The hash functions are fixed, so a signature is the same in every process and release.
/// </summary>
public static class MinHash
{
    public const int Size = 64;
    public const int ShingleWords = 5;

    static readonly ulong[] Multipliers = new ulong[Size];
    static readonly ulong[] Offsets = new ulong[Size];

#pragma warning disable CA1810 // the tables are filled in a loop from a fixed seed, which a field initializer cannot express
    static MinHash()
#pragma warning restore CA1810
    {
        var state = 0x5EED0F4D1A5E7UL;
        for (var i = 0; i < Size; i++)
        {
            Multipliers[i] = StableHash.SplitMix64Next(ref state) | 1;
            Offsets[i] = StableHash.SplitMix64Next(ref state);
        }
    }

    public static uint[] Signature(string text)
    {
        var signature = new uint[Size];
        Array.Fill(signature, uint.MaxValue);
        var words = WordHashes(text);
        if (words.Count == 0)
        {
            Add(signature, StableHash.SplitMix64Mix(StableHash.Fnv(text)));
            return signature;
        }
        var shingles = Math.Max(1, words.Count - ShingleWords + 1);
        var width = Math.Min(ShingleWords, words.Count);
        for (var s = 0; s < shingles; s++)
        {
            var h = StableHash.FnvOffset;
            for (var w = 0; w < width; w++)
            {
                h = StableHash.FnvAdd(h, words[s + w]);
            }
            Add(signature, StableHash.SplitMix64Mix(h));
        }
        return signature;
    }

    /// <summary>The share of equal slots: an estimate of the Jaccard similarity of the two texts' shingle sets.</summary>
    public static double Similarity(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b) => Equal(a, b) / (double)Size;

    internal static int Equal(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        var equal = 0;
        for (var i = 0; i < Size; i++)
        {
            if (a[i] == b[i])
            {
                equal++;
            }
        }
        return equal;
    }

    static void Add(uint[] signature, ulong shingle)
    {
        for (var i = 0; i < Size; i++)
        {
            // Multiply-shift hashing: a cheap family of hash functions that is universal enough for MinHash.
            var h = (uint)(unchecked(Multipliers[i] * shingle + Offsets[i]) >> 32);
            if (h < signature[i])
            {
                signature[i] = h;
            }
        }
    }

    static List<ulong> WordHashes(string text)
    {
        var words = new List<ulong>();
        var h = StableHash.FnvOffset;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                h = StableHash.FnvAdd(h, char.ToLowerInvariant(c));
                inWord = true;
            }
            else if (inWord)
            {
                words.Add(h);
                h = StableHash.FnvOffset;
                inWord = false;
            }
        }
        if (inWord)
        {
            words.Add(h);
        }
        return words;
    }

}

/// <summary>
/// Finds, among the signatures added so far, one whose estimated similarity to a new signature reaches the threshold,
/// with locality-sensitive hashing over bands of the signature. The band width is chosen so that there are more bands
/// than the slots two such signatures can disagree in: at least one band then matches exactly, so the lookup never
/// misses a near-duplicate (it is exact with respect to the MinHash estimate, not probabilistic).
/// </summary>
public sealed class NearDuplicateIndex
{
    readonly int _rows;
    readonly int _bands;
    readonly int _minEqual;
    readonly List<uint[]> _signatures = [];
    readonly Dictionary<ulong, List<int>>[] _buckets;

    public NearDuplicateIndex(double threshold)
    {
        Threshold = threshold;
        _minEqual = (int)Math.Ceiling(threshold * MinHash.Size - 1e-9);
        var maxDisagreeing = MinHash.Size - _minEqual;
        _rows = 1;
        foreach (var rows in (ReadOnlySpan<int>)[32, 16, 8, 4, 2])
        {
            if (MinHash.Size / rows > maxDisagreeing)
            {
                _rows = rows;
                break;
            }
        }
        _bands = MinHash.Size / _rows;
        _buckets = [.. Enumerable.Range(0, _bands).Select(_ => new Dictionary<ulong, List<int>>())];
    }

    public double Threshold { get; }

    public int Count => _signatures.Count;

    /// <summary>True when a signature already added is at least <see cref="Threshold"/> similar to <paramref name="signature"/>.</summary>
    public bool Contains(uint[] signature)
    {
        for (var b = 0; b < _bands; b++)
        {
            if (!_buckets[b].TryGetValue(BandKey(signature, b), out var members))
            {
                continue;
            }
            foreach (var m in members)
            {
                if (MinHash.Equal(_signatures[m], signature) >= _minEqual)
                {
                    return true;
                }
            }
        }
        return false;
    }

    public void Add(uint[] signature)
    {
        var index = _signatures.Count;
        _signatures.Add(signature);
        for (var b = 0; b < _bands; b++)
        {
            var key = BandKey(signature, b);
            if (!_buckets[b].TryGetValue(key, out var members))
            {
                _buckets[b][key] = members = [];
            }
            members.Add(index);
        }
    }

    ulong BandKey(uint[] signature, int band)
    {
        var h = StableHash.FnvOffset;
        for (var i = band * _rows; i < (band + 1) * _rows; i++)
        {
            h = StableHash.FnvAdd(h, signature[i]);
        }
        return h;
    }
}
