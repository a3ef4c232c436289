using System.Diagnostics;

namespace Provenance.Text.Tokens;

/// <summary>
/// The short pieces of <see cref="PieceCountCache"/>: up to eight ASCII characters, 87% of English pieces, each
/// packed with its count into one 64-bit word. A hit reads 8 bytes and nothing else, the whole table (512 KB) fits
/// in a core's L2 cache, and a word is read and written whole, so no reader can see one piece's characters with
/// another's count however threads race.
/// </summary>
internal sealed class PackedPieceCache(BytePairCounter counter, int slots)
{
    const int MaxLength = 8;
    const int Ways = 4;

    // Word layout: characters (7 bits each, 56) | length - 1 (3) | uses (2) | count - 1 (3): eight ASCII bytes are
    // at most eight tokens. An empty slot is 0, which no key equals, as characters are U+0001 to U+007F.
    public const ulong KeyMask = (1UL << 59) - 1;
    const int UsesShift = 59;
    const ulong UsesMask = 3UL << UsesShift;
    const int CountShift = 61;

    static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    readonly ulong[] _words = new ulong[slots];

    /// <summary>The piece as a key, if it is short and ASCII.</summary>
    public static bool TryPack(ReadOnlySpan<char> piece, out ulong key)
    {
        key = 0;
        if (piece.Length > MaxLength)
        {
            return false;
        }
        for (var i = 0; i < piece.Length; i++)
        {
            if (piece[i] is '\0' or > '\u007F')
            {
                return false;
            }
            key |= (ulong)piece[i] << (7 * i);
        }
        key |= (ulong)(piece.Length - 1) << 56;
        return true;
    }

    public int Count(ulong key, ReadOnlySpan<char> piece)
    {
        // Fibonacci hashing: the top bits of the product depend on every key bit, and the high half of the product
        // with the set count maps them onto a set.
        var set = (int)Math.BigMul((key ^ Seed) * StableHash.GoldenRatio, (ulong)(_words.Length / Ways), out _) * Ways;
        for (var i = set; i < set + Ways; i++)
        {
            var word = Volatile.Read(ref _words[i]);
            if ((word & KeyMask) == key)
            {
                // Written only when it changes (see PieceCountCache); a racing write may bring back an older word,
                // which is still a correct one.
                if ((word & UsesMask) != UsesMask)
                {
                    _words[i] = word + (1UL << UsesShift);
                }
                return (int)(word >> CountShift) + 1;
            }
        }

        var count = counter.Count(piece);
        Debug.Assert(count is >= 1 and <= MaxLength);
        var victim = -1;
        for (var i = set; i < set + Ways && victim < 0; i++)
        {
            victim = _words[i] == 0 ? i : victim;
        }
        for (var i = set; i < set + Ways && victim < 0; i++)
        {
            victim = (_words[i] & UsesMask) == 0 ? i : victim;
        }
        if (victim < 0)
        {
            for (var i = set; i < set + Ways; i++)
            {
                // From the word as read, so a word another thread has just replaced cannot lose a count bit.
                var word = _words[i];
                _words[i] = (word & UsesMask) == 0 ? word : word - (1UL << UsesShift);
            }
            return count;
        }
        Volatile.Write(ref _words[victim], key | (ulong)(count - 1) << CountShift);
        return count;
    }
}
