using System.IO.Compression;
using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Provenance.Text.Tokens;

/// <summary>
/// The o200k_base ranks (token bytes to token id) in flat tables sized for the lookups byte-pair merging makes.
/// Their speed is memory latency: the library's <c>Dictionary&lt;ReadOnlyMemory&lt;byte&gt;, int&gt;</c> chases
/// three pointers per lookup; here a lookup reads one slot, pairs of bytes (every merge starts with them) index a
/// 256 KB table directly, and the 3-to-5-byte keys of most other lookups sit in 8-byte slots (2 MB). 7.7 MB in all,
/// loaded in about 0.25 s.
/// </summary>
internal sealed class BytePairRanks
{
    // The library's vocabulary file, embedded in the data package it loads it from; reading the same file makes
    // the ranks identical by construction (and the tests check them against the library).
    const string DataAssembly = "Microsoft.ML.Tokenizers.Data.O200kBase";
    const string DataResource = "o200k_base.tiktoken.deflate";

    const int MaxShort = 5;
    const ulong Multiplier = StableHash.GoldenRatio; // Fibonacci hashing: the top bits mix well

    // Every pair of bytes, directly indexed.
    readonly int[] _pairs = new int[1 << 16];
    // Tokens of 1 and 3 to 5 bytes, each slot exact in 64 bits: bytes (40) | length (3) | rank + 1 (21); 0 is empty.
    readonly ulong[] _short;
    // Longer tokens: their first 8 bytes in the slot, the rest compared in _bytes.
    readonly Slot[] _long;
    readonly byte[] _bytes;

    BytePairRanks(List<byte[]> tokens)
    {
        Array.Fill(_pairs, int.MaxValue);
        _short = new ulong[TableSize(tokens.Count(t => t.Length <= MaxShort))];
        _long = new Slot[TableSize(tokens.Count(t => t.Length > MaxShort))];
        _bytes = new byte[tokens.Where(t => t.Length > MaxShort).Sum(t => t.Length)];
        var offset = 0;
        // A repeated token keeps its last rank, as in the library's loader.
        for (var rank = 0; rank < tokens.Count; rank++)
        {
            var token = tokens[rank];
            if (token.Length == 2)
            {
                _pairs[token[0] | token[1] << 8] = rank;
            }
            else if (token.Length <= MaxShort)
            {
                var key = ShortKey(token);
                _short[ProbeShort(key)] = key | (ulong)(rank + 1) << 43;
            }
            else
            {
                token.CopyTo(_bytes, offset);
                _long[ProbeLong(token)] = new Slot(Head(token), rank, token.Length << 24 | offset);
                offset += token.Length;
            }
        }
    }

    /// <summary>Loads the ranks from the library's data package; null if the package no longer ships them this way.</summary>
    public static BytePairRanks? Load()
    {
        using var compressed = Assembly.Load(DataAssembly).GetManifestResourceStream(DataResource);
        if (compressed is null)
        {
            return null;
        }
        using var reader = new StreamReader(new DeflateStream(compressed, CompressionMode.Decompress));

        // Format, as the library reads it: an optional "Capacity: n" line, then one base64 token per line whose rank
        // is its line number. The library also reads "base64 rank" lines; for those, let the library count.
        var tokens = new List<byte[]>(200_000);
        var line = reader.ReadLine();
        if (line is not null && line.StartsWith("Capacity: ", StringComparison.Ordinal))
        {
            line = reader.ReadLine();
        }
        for (; line is not null; line = reader.ReadLine())
        {
            if (line.Length == 0 || line.Contains(' ', StringComparison.Ordinal))
            {
                return null;
            }
            tokens.Add(Convert.FromBase64String(line));
        }
        return new BytePairRanks(tokens);
    }

    /// <summary>The rank of <paramref name="token"/>, or <see cref="int.MaxValue"/> when it is not a token.</summary>
    public int Rank(ReadOnlySpan<byte> token)
    {
        if (token.Length == 2)
        {
            return _pairs[token[0] | token[1] << 8];
        }
        if (token.Length <= MaxShort)
        {
            var slot = _short[ProbeShort(ShortKey(token))];
            return slot == 0 ? int.MaxValue : (int)(slot >> 43) - 1;
        }
        var found = _long[ProbeLong(token)];
        return found.Length == 0 ? int.MaxValue : found.Rank;
    }

    static int TableSize(int count) => (int)BitOperations.RoundUpToPowerOf2((uint)count * 2);

    static ulong ShortKey(ReadOnlySpan<byte> token) => Head(token) | (ulong)token.Length << 40;

    /// <summary>The slot holding <paramref name="key"/>, or the empty slot where it would go (linear probing).</summary>
    int ProbeShort(ulong key)
    {
        var mask = _short.Length - 1;
        for (var i = (int)(key * Multiplier >> (64 - BitOperations.Log2((uint)_short.Length))); ; i = (i + 1) & mask)
        {
            if (_short[i] == 0 || (_short[i] & ((1UL << 43) - 1)) == key)
            {
                return i;
            }
        }
    }

    int ProbeLong(ReadOnlySpan<byte> token)
    {
        var head = Head(token);
        var hash = (head + (ulong)token.Length) * Multiplier;
        for (var rest = token.Length > 8 ? token[8..] : []; !rest.IsEmpty; rest = rest.Length > 8 ? rest[8..] : [])
        {
            hash = (hash ^ Head(rest)) * Multiplier;
        }

        var mask = _long.Length - 1;
        for (var i = (int)(hash >> (64 - BitOperations.Log2((uint)_long.Length))); ; i = (i + 1) & mask)
        {
            ref readonly var slot = ref _long[i];
            if (slot.Length == 0
                || (slot.Length == token.Length && slot.Head == head
                    && (token.Length <= 8 || token[8..].SequenceEqual(_bytes.AsSpan(slot.Offset + 8, token.Length - 8)))))
            {
                return i;
            }
        }
    }

    /// <summary>The first 8 bytes as a number, zero-padded.</summary>
    static ulong Head(ReadOnlySpan<byte> token) => token.Length switch
    {
        >= 8 => MemoryMarshal.Read<ulong>(token),
        // Two overlapping reads cover 4 to 7 bytes; the shared bytes are equal, so OR-ing them is exact.
        >= 4 => MemoryMarshal.Read<uint>(token) | (ulong)MemoryMarshal.Read<uint>(token[^4..]) << ((token.Length - 4) * 8),
        >= 2 => MemoryMarshal.Read<ushort>(token) | (ulong)MemoryMarshal.Read<ushort>(token[^2..]) << ((token.Length - 2) * 8),
        1 => token[0],
        _ => 0,
    };

    /// <summary>16 bytes, so a probe reads one cache line. Tokens are at most 128 bytes; the long ones take 1.1 MB.</summary>
    readonly record struct Slot(ulong Head, int Rank, int LengthAndOffset)
    {
        public int Length => LengthAndOffset >>> 24;
        public int Offset => LengthAndOffset & 0xFF_FFFF;
    }
}
