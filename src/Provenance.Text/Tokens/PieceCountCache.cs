using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Provenance.Text.Tokens;

/// <summary>
/// Token counts of recently seen pre-tokens, so a common word is byte-pair encoded once per process instead of once
/// per occurrence. Bounded and thread-safe without locks: fixed arrays of slots in sets of four. Short pieces go to
/// <see cref="PackedPieceCache"/>; the others point to an immutable entry that a reader checks against the piece
/// itself, so a lost or interleaved race costs a miss, never a wrong count.
/// </summary>
/// <remarks>
/// English has a long tail: a 1 KB document brings a few pieces no earlier document had. In a direct-mapped table
/// those evicted the words that recur; here each slot keeps a small use count that a hit raises and a miss in a
/// full set lowers, and a miss only replaces an entry whose count is zero (approximately least-frequently-used,
/// like CLOCK). A set's four slots share one 64-byte cache line, so a hit reads that line and the entry.
/// Memory, at most: <see cref="DefaultSlots"/> × (16-byte slot + 56-byte entry) = 4.7 MB, plus 512 KB packed.
/// </remarks>
internal sealed class PieceCountCache(BytePairCounter counter, int slots = PieceCountCache.DefaultSlots)
{
    public const int DefaultSlots = 1 << 16;

    /// <summary>Longer pieces (0.04% of English pieces) are counted every time, which keeps entries small.</summary>
    public const int MaxPieceLength = 16;

    const int Ways = 4;
    const int UseBits = 3; // the low two bits of a slot's tag count its uses, 0 to 3

    // Seeded per process, so text crafted to collide in one set cannot be prepared in advance; a collision only
    // costs speed anyway.
    static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    readonly Slot[] _slots = new Slot[BitOperations.IsPow2(slots) && slots >= Ways ? slots : throw new ArgumentOutOfRangeException(nameof(slots), slots, "The slot count must be a power of two of at least 4.")];

    // Packed words must be read and written atomically, which 64-bit processes guarantee.
    readonly PackedPieceCache? _packed = Environment.Is64BitProcess ? new(counter, slots) : null;

    public int Count(ReadOnlySpan<char> piece)
    {
        if (_packed is not null && PackedPieceCache.TryPack(piece, out var key))
        {
            return _packed.Count(key, piece);
        }
        if (piece.Length > MaxPieceLength)
        {
            return counter.Count(piece);
        }

        var hash = Hash(piece);
        var set = (int)(hash >> 32) & (_slots.Length - Ways);
        var tag = (int)hash & ~UseBits;
        for (var i = set; i < set + Ways; i++)
        {
            ref var slot = ref _slots[i];
            var seen = slot.Tag;
            if ((seen & ~UseBits) == tag && Volatile.Read(ref slot.Entry) is { } entry && entry.Is(piece))
            {
                // Written only when it changes, so the line of a popular set is not written by both cores on every
                // hit; a racing update can be lost, which only blurs the count.
                if ((seen & UseBits) != UseBits)
                {
                    slot.Tag = seen + 1;
                }
                return entry.Count;
            }
        }

        var count = counter.Count(piece);
        var victim = Victim(set);
        if (victim < 0)
        {
            for (var i = set; i < set + Ways; i++)
            {
                var seen = _slots[i].Tag;
                _slots[i].Tag = (seen & UseBits) == 0 ? seen : seen - 1;
            }
            return count;
        }
        Volatile.Write(ref _slots[victim].Entry, new Entry(piece, count));
        _slots[victim].Tag = tag;
        return count;
    }

    /// <summary>An empty slot of the set, else one not used since it was filled or last aged; -1 if none.</summary>
    int Victim(int set)
    {
        for (var i = set; i < set + Ways; i++)
        {
            if (_slots[i].Entry is null)
            {
                return i;
            }
        }
        for (var i = set; i < set + Ways; i++)
        {
            if ((_slots[i].Tag & UseBits) == 0)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Multiply-mix of the piece's characters, four at a time (the last read may overlap the previous).</summary>
    static ulong Hash(ReadOnlySpan<char> piece)
    {
        var hash = Seed + (ulong)piece.Length;
        if (piece.Length < 4)
        {
            ulong chars = 0;
            for (var i = 0; i < piece.Length; i++)
            {
                chars |= (ulong)piece[i] << (16 * i);
            }
            hash = (hash ^ chars) * StableHash.GoldenRatio;
        }
        else
        {
            for (var i = 0; i < piece.Length - 4; i += 4)
            {
                hash = (hash ^ MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(piece.Slice(i, 4)))) * StableHash.GoldenRatio;
            }
            hash = (hash ^ MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(piece[^4..]))) * StableHash.GoldenRatio;
        }
        return hash ^ (hash >> 29);
    }

    struct Slot
    {
        public Entry? Entry;
        public int Tag;
    }

    [InlineArray(MaxPieceLength)]
    struct Chars
    {
        char _first;
    }

    /// <summary>The piece's characters are stored inline, so a hit reads one object, not an entry and a string.</summary>
    sealed class Entry
    {
        readonly Chars _chars;
        readonly int _length;

        public Entry(ReadOnlySpan<char> piece, int count)
        {
            piece.CopyTo(_chars);
            _length = piece.Length;
            Count = count;
        }

        public int Count { get; }

        public bool Is(ReadOnlySpan<char> piece) => piece.SequenceEqual(((ReadOnlySpan<char>)_chars)[.._length]);
    }
}
