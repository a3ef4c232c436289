using FsCheck;
using FsCheck.Fluent;
using Microsoft.ML.Tokenizers;
using Provenance.Text.Tokens;

namespace Provenance.Text.Tests.Tokens;

/// <summary>The library every count and piece is compared with, and the same views of our side.</summary>
internal static class Reference
{
    /// <summary>A tokenizer of its own, so nothing the counter under test does can change what it answers.</summary>
    public static readonly TiktokenTokenizer Library = TiktokenTokenizer.CreateForEncoding("o200k_base");

    public static readonly BytePairRanks Ranks = BytePairRanks.Load()
        ?? throw new InvalidOperationException("The o200k_base data package no longer ships its vocabulary as BytePairRanks reads it.");

    public static List<string> LibraryPieces(string text) =>
        [.. Library.PreTokenizer!.PreTokenize(text).Select(piece => text.Substring(piece.Offset, piece.Length))];

    public static List<string> Pieces(string text)
    {
        var pieces = new List<string>();
        for (var rest = text.AsSpan(); !rest.IsEmpty;)
        {
            var length = O200kPreTokenizer.PieceLength(rest);
            pieces.Add(rest[..length].ToString());
            rest = rest[length..];
        }
        return pieces;
    }

    /// <summary>
    /// The library's count. For a special token it answers from an LRU cache that other pieces eventually evict
    /// (see O200kTokenCounter), so texts that contain one are counted by a fresh tokenizer, whose answer is defined.
    /// </summary>
    public static int Count(string text) =>
        HasSpecialToken(text) ? TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens(text) : Library.CountTokens(text);

    public static bool HasSpecialToken(string text) => Library.SpecialTokens!.Keys.Any(special => text.Contains(special, StringComparison.Ordinal));

    /// <summary>Runs an FsCheck property from a [Fact]; a failure throws with the shrunk counterexample.</summary>
    public static void Check<T>(Gen<T> generator, Func<T, bool> property, int maxTest) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true), Prop.ForAll(Arb.From(generator), property));
}
