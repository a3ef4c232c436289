using FsCheck;
using FsCheck.Fluent;
using Microsoft.ML.Tokenizers;
using Provenance.Text.Tokens;

namespace Provenance.Text.Tests.Tokens;

/// <summary>Random text built from the fragments where the regex and the byte-pair merges have corners.</summary>
public class TokenCounterPropertyTests
{
    static readonly string[] Words =
    [
        "the", "The", "THE", "tHe", "data", "Provenance", "registry", "I", "a", "don't", "DON'T", "I'M", "you're", "You'RE",
        "we'll", "WE'LL", "they've", "she'd", "it's", "IT'S", "'s", "'S", "'t", "'re", "'Ve", "'m", "'lL", "'d", "'", "''",
        "n't", "o'clock", "McDonald", "iPhone", "HTTPServer", "camelCase", "snake_case", "x", "Q",
        "é", "É", "café", "CAFÉ", "naïve", "ß", "Straße", "ñ", "Ørsted", "ǅ", "ʰ", "ª", "º",
    ];

    static readonly string[] Scripts =
    [
        "中文", "日本語の", "한국어", "，", "。", "Привет", "МИР", "мир", "Ёлка", "مرحبا", "بالعالم", "\u064E", "नमस्ते", "क्षि", "\u0915\u094D", "\u093F",
        "\u0301", "e\u0301", "E\u0301\u0327", "\u20DD", "ไทย", "עִבְרִית", "Ελληνικά", "ΣΟΦΙΑ",
    ];

    static readonly string[] Astral =
    [
        "😀", "👍🏽", "👩‍💻", "🇺🇸", "𝐀𝐁𝐂", "𝒶", "𠀋", "🙂🙂", "\uD83D", "\uDE00",
    ];

    static readonly string[] Spaces =
    [
        " ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\r", "\r\n", "\r\n\r\n", " \n", "\n ", " \r\n ", "\v", "\f", "\u0085",
        "\u00A0", "\u2028", "\u2029", "\u3000", "\u200B", "\uFEFF",
    ];

    static readonly string[] Punctuation =
    [
        ".", ",", "...", "!?", "?!\n", "/", "//", "/\n", ".\n/", "\"", "“", "”", "(", ")", "[", "]", "{", "}", "<", ">", "<|", "|>", "|",
        "#", "@", "&", "*", "-", "—", "–", "_", "=", "==>", "::", ";", ":", "\\", "%", "$", "€", "©", "\u0000", "\uFFFD", "\uE000",
        "<|endoftext|>", "<|endofprompt|>",
    ];

    static readonly Gen<string> Digits = Gen.Choose(1, 12).SelectMany(length => Gen.ArrayOf(Gen.Elements("0123456789٣४½²Ⅻ".ToCharArray()), length)).Select(chars => new string(chars));

    static readonly Gen<string> AnyCodeUnit = Gen.Choose(0, char.MaxValue).Select(code => ((char)code).ToString());

    static readonly Gen<string> Fragment = Gen.Frequency(
        (8, Gen.Elements(Words)),
        (5, Gen.Elements(Spaces)),
        (4, Gen.Elements(Punctuation)),
        (3, Digits),
        (3, Gen.Elements(Scripts)),
        (2, Gen.Elements(Astral)),
        (1, AnyCodeUnit));

    static readonly Gen<string> Texts = Gen.OneOf(
        Gen.ListOf(Fragment).Select(string.Concat),
        Gen.ListOf(Fragment, 300).Select(string.Concat),
        ArbMap.Default.GeneratorFor<string>().Select(text => text ?? ""));

    [Fact]
    public void RandomTextsSplitIntoTheLibrarysPieces() =>
        Reference.Check(Texts, text => Reference.HasSpecialToken(text) || Reference.Pieces(text).SequenceEqual(Reference.LibraryPieces(text)), maxTest: 3_000);

    [Fact]
    public void RandomTextsHaveTheLibrarysTokenCount() =>
        Reference.Check(Texts, text => TokenCounter.Count(text) == Reference.Count(text), maxTest: 3_000);

    [Fact]
    public void CountsStayExactWhenTheCacheKeepsEvicting()
    {
        var counter = new O200kTokenCounter(TiktokenTokenizer.CreateForEncoding("o200k_base"), Reference.Ranks, cacheSlots: 4);

        Reference.Check(Texts, text => counter.Count(text) == Reference.Count(text), maxTest: 1_000);
    }

    [Fact]
    public void CountsStayExactWithoutTheVocabularyCopy()
    {
        var counter = new O200kTokenCounter(TiktokenTokenizer.CreateForEncoding("o200k_base"), ranks: null);

        Reference.Check(Texts, text => counter.Count(text) == Reference.Count(text), maxTest: 500);
    }

    [Fact]
    public void RandomPiecesEncodeToTheLibrarysCount()
    {
        var counter = new BytePairCounter(Reference.Library, Reference.Ranks);

        Reference.Check(Texts, text => Reference.Pieces(text).All(piece =>
            counter.Count(piece) == Reference.Library.CountTokens(piece, considerPreTokenization: false)), maxTest: 2_000);
    }
}
