using System.Buffers;
using System.Text.Unicode;
using Microsoft.ML.Tokenizers;

namespace Provenance.Text.Tokens;

/// <summary>
/// The number of tokens one pre-token encodes to: the library's <c>CountTokens(piece, considerPreTokenization:
/// false)</c>, computed the same way (whole-piece lookup, then byte-pair merges, lowest rank first and leftmost
/// on ties) over <see cref="BytePairRanks"/>: about 0.3 µs for a new English piece where the library, with its
/// lock, LRU bookkeeping, allocations and pointer-chasing dictionaries, takes 1-2 µs. The few pieces it does not
/// handle the same way by construction go to the library.
/// </summary>
internal sealed class BytePairCounter(Tokenizer tokenizer, BytePairRanks? ranks)
{
    // The library switches to a heap-based merge above 128 bytes; such pieces are rare enough to leave to it.
    const int MaxBytes = 128;

    public int Count(ReadOnlySpan<char> piece)
    {
        if (ranks is null || piece.Length > MaxBytes)
        {
            return Library(piece);
        }

        Span<byte> buffer = stackalloc byte[MaxBytes * 3];
        // A lone surrogate has no UTF-8 form and the library substitutes bytes of its own, so pieces with one (which
        // registration rejects anyway) go to it.
        if (Utf8.FromUtf16(piece, buffer, out _, out var length, replaceInvalidSequences: false) != OperationStatus.Done || length > MaxBytes)
        {
            return Library(piece);
        }
        var bytes = buffer[..length];

        // The library first looks the piece up in its string vocabulary, which leaves out tokens that decode to
        // U+FFFD (partial UTF-8); a piece containing U+FFFD itself can therefore never take this shortcut.
        if (ranks.Rank(bytes) != int.MaxValue && !piece.Contains('\uFFFD'))
        {
            return 1;
        }
        return Merge(bytes, ranks);
    }

    /// <summary>The library's <c>BytePairEncoder.BytePairEncode</c> for up to 128 bytes, counting the parts.</summary>
    static int Merge(ReadOnlySpan<byte> bytes, BytePairRanks ranks)
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

    int Library(ReadOnlySpan<char> piece) => tokenizer.CountTokens(piece, considerPreTokenization: false, considerNormalization: false);
}
