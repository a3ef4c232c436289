using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.ML.Tokenizers;

namespace Provenance.Text.Tokens;

/// <summary>
/// The number of tokens one pre-token encodes to: the library's <c>CountTokens(piece, considerPreTokenization:
/// false)</c>, computed the same way (whole-piece lookup, then byte-pair merges, lowest rank first and leftmost
/// on ties) over <see cref="BytePairRanks"/>: about 0.3 µs for a new English piece where the library, with its
/// lock, LRU bookkeeping, allocations and pointer-chasing dictionaries, takes 1-2 µs.
/// </summary>
/// <remarks>
/// The library (2.0.x) finds each merge by scanning every remaining pair, which is quadratic in the piece's length:
/// one unbroken run of a megabyte of letters took it minutes. Here a piece of more than <see cref="MaxScanBytes"/>
/// bytes is merged from a priority queue instead, in O(n log n), with the same merges in the same order.
/// </remarks>
internal sealed class BytePairCounter(Tokenizer tokenizer, BytePairRanks? ranks)
{
    // Up to here a scan over a stack buffer beats the queue's bookkeeping; nearly every piece of prose is shorter.
    const int MaxScanBytes = 128;

    public int Count(ReadOnlySpan<char> piece)
    {
        if (ranks is null)
        {
            return Library(piece);
        }
        if (piece.Length > MaxScanBytes)
        {
            return CountLong(piece, ranks);
        }
        // A UTF-16 code unit takes at most 3 bytes (a surrogate pair takes 4 for 2 units).
        Span<byte> buffer = stackalloc byte[MaxScanBytes * 3];
        return Count(piece, buffer, ranks);
    }

    static int CountLong(ReadOnlySpan<char> piece, BytePairRanks ranks)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(piece.Length * 3);
        try
        {
            return Count(piece, buffer, ranks);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static int Count(ReadOnlySpan<char> piece, Span<byte> buffer, BytePairRanks ranks)
    {
        var valid = Utf8.FromUtf16(piece, buffer, out _, out var length, replaceInvalidSequences: false) == OperationStatus.Done;
        if (!valid)
        {
            length = EncodeLikeTheLibrary(piece, buffer);
        }
        var bytes = buffer[..length];

        // The library first looks the piece up in its string vocabulary, which leaves out tokens that decode to
        // U+FFFD (partial UTF-8): a piece containing U+FFFD, or a lone surrogate, can never take this shortcut.
        if (valid && ranks.Rank(bytes) != int.MaxValue && !piece.Contains('\uFFFD'))
        {
            return 1;
        }
        return bytes.Length <= MaxScanBytes ? MergeByScan(bytes, ranks) : MergeByQueue(bytes, ranks);
    }

    /// <summary>The library's <c>BytePairEncoder.BytePairEncode</c>, counting the parts; quadratic, for short pieces.</summary>
    internal static int MergeByScan(ReadOnlySpan<byte> bytes, BytePairRanks ranks)
    {
        // starts[i] is where part i begins (plus a final end marker); rank[i] is the rank of parts i and i+1 merged.
        Span<int> starts = stackalloc int[bytes.Length + 1];
        Span<int> rank = stackalloc int[bytes.Length + 1];
        for (var i = 0; i < starts.Length; i++)
        {
            starts[i] = i;
            rank[i] = i + 2 < starts.Length ? ranks.Rank(bytes[i..(i + 2)]) : int.MaxValue;
        }

        var parts = starts.Length;
        while (parts > 1)
        {
            var best = 0;
            for (var i = 1; i < parts - 1; i++)
            {
                if (rank[i] < rank[best])
                {
                    best = i;
                }
            }
            if (rank[best] == int.MaxValue)
            {
                break;
            }

            rank[best] = best + 3 < parts ? ranks.Rank(bytes[starts[best]..starts[best + 3]]) : int.MaxValue;
            if (best > 0)
            {
                rank[best - 1] = best + 2 < parts ? ranks.Rank(bytes[starts[best - 1]..starts[best + 2]]) : int.MaxValue;
            }
            starts[(best + 2)..parts].CopyTo(starts[(best + 1)..]);
            rank[(best + 2)..parts].CopyTo(rank[(best + 1)..]);
            parts--;
        }
        return parts - 1;
    }

    /// <summary>
    /// The same merges as <see cref="MergeByScan"/> in O(n log n): the parts form a linked list, and a queue ordered by
    /// (rank, start) yields the lowest-ranked adjacent pair, leftmost on ties, which is the pair the scan picks. A merge
    /// changes only the pairs on either side of the merged part, so only those two are queued again; a queued pair
    /// whose part has since grown or been absorbed is skipped when it comes up.
    /// </summary>
    internal static int MergeByQueue(ReadOnlySpan<byte> bytes, BytePairRanks ranks)
    {
        var n = bytes.Length;
        // end[i] is where the part starting at i ends (the next part's start), before[i] where the previous part starts,
        // and rank[i] the rank of the part starting at i merged with the next one: int.MaxValue when that is no token,
        // there is no next part, or i no longer starts a part.
        var end = ArrayPool<int>.Shared.Rent(n);
        var before = ArrayPool<int>.Shared.Rent(n);
        var rank = ArrayPool<int>.Shared.Rent(n);
        try
        {
            var queue = new PriorityQueue<int, long>(n);
            for (var i = 0; i < n; i++)
            {
                end[i] = i + 1;
                before[i] = i - 1;
            }
            for (var i = 0; i < n; i++)
            {
                Pair(i, bytes, end, rank, queue, ranks);
            }

            var parts = n;
            while (queue.TryDequeue(out var start, out var key))
            {
                // Every rank a part's pair takes is a different token (the pair only grows), so an equal rank means
                // the queued pair is the current one.
                if ((int)(key >> 32) != rank[start])
                {
                    continue;
                }
                var absorbed = end[start];
                end[start] = end[absorbed];
                rank[absorbed] = int.MaxValue;
                if (end[start] < n)
                {
                    before[end[start]] = start;
                }
                parts--;

                Pair(start, bytes, end, rank, queue, ranks);
                if (start > 0)
                {
                    Pair(before[start], bytes, end, rank, queue, ranks);
                }
            }
            return parts;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(end);
            ArrayPool<int>.Shared.Return(before);
            ArrayPool<int>.Shared.Return(rank);
        }
    }

    /// <summary>Ranks the part starting at <paramref name="start"/> merged with the next one and queues it if it is a token.</summary>
    static void Pair(int start, ReadOnlySpan<byte> bytes, int[] end, int[] rank, PriorityQueue<int, long> queue, BytePairRanks ranks)
    {
        var next = end[start];
        rank[start] = next < bytes.Length ? ranks.Rank(bytes[start..end[next]]) : int.MaxValue;
        if (rank[start] != int.MaxValue)
        {
            queue.Enqueue(start, (long)rank[start] << 32 | (uint)start);
        }
    }

    /// <summary>
    /// UTF-8 as the library writes it before merging: a lone surrogate, which has no UTF-8 form, becomes the three bytes
    /// its code unit would take if it were a scalar value.
    /// </summary>
    static int EncodeLikeTheLibrary(ReadOnlySpan<char> piece, Span<byte> destination)
    {
        var length = 0;
        for (var i = 0; i < piece.Length;)
        {
            if (Rune.DecodeFromUtf16(piece[i..], out var rune, out var units) == OperationStatus.Done)
            {
                length += rune.EncodeToUtf8(destination[length..]);
            }
            else
            {
                int unit = piece[i];
                destination[length++] = (byte)(0xE0 | unit >> 12);
                destination[length++] = (byte)(0x80 | (unit >> 6 & 0x3F));
                destination[length++] = (byte)(0x80 | (unit & 0x3F));
            }
            i += units;
        }
        return length;
    }

    int Library(ReadOnlySpan<char> piece) => tokenizer.CountTokens(piece, considerPreTokenization: false, considerNormalization: false);
}
