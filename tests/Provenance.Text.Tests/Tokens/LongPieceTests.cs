using System.Diagnostics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Provenance.Text.Tokens;

namespace Provenance.Text.Tests.Tokens;

/// <summary>
/// One unbroken run of letters, spaces, digits or symbols is one piece (or a few) however long it is, and the library
/// merges such a piece in quadratic time: a megabyte took it minutes. The counter merges long pieces from a priority
/// queue; these check that it gives the library's counts and that its time grows no faster than n log n.
/// </summary>
public class LongPieceTests
{
    // Bytes of UTF-8: long enough to take the queue (over 128) and short enough for the library's quadratic merge.
    const int MaxLibraryBytes = 8_192;

    static readonly string[] Units =
    [
        "a", "A", "z", " ", "ab", "aB", "abc", "the", "ing", "7", "42", "中", "中文", "の", "é", "ß", "Ж", "\t", "\t ", "\n", " \n",
        "\u00A0", "\u3000", "-", "=", "*", ".", "!?", "😀", "\uD800", "\uDE00", "\uFFFD", "\u0301", "a\u0301", "ʰ",
    ];

    // Small alphabets make random mixes with many repeated pairs, so merges tie on rank often.
    static readonly string[] Alphabets = ["ab", "abc", "aeiou", "ae ", "abcdefghij", "ABab", "中文の", "é e", "01", "-=", "😀a"];

    static readonly Gen<string> SingleRuns =
        from unit in Gen.Elements(Units)
        from bytes in Gen.Choose(129, MaxLibraryBytes)
        select new StringBuilder().Insert(0, unit, Math.Max(1, bytes / Encoding.UTF8.GetByteCount(unit))).ToString();

    static readonly Gen<string> RandomMixes =
        from alphabet in Gen.Elements(Alphabets)
        from bytes in Gen.Choose(129, MaxLibraryBytes)
        from picks in Gen.ArrayOf(Gen.Choose(0, alphabet.Length - 1), bytes / Encoding.UTF8.GetByteCount(alphabet) * alphabet.Length)
        select string.Concat(picks.Select(i => alphabet[i]));

    static readonly Gen<byte[]> ShortByteStrings =
        Gen.Choose(1, 128).SelectMany(length => Gen.ArrayOf(Gen.Elements<byte>([(byte)'a', (byte)'b', (byte)' ', (byte)'e', 0xE4, 0xB8, 0xAD, 0x80, 0xFF]), length));

    [Fact]
    public void LongSingleRunsHaveTheLibrarysCount() =>
        Reference.Check(SingleRuns, text => TokenCounter.Count(text) == Reference.Count(text), maxTest: 150);

    [Fact]
    public void LongRandomMixesHaveTheLibrarysCount() =>
        Reference.Check(RandomMixes, text => TokenCounter.Count(text) == Reference.Count(text), maxTest: 150);

    [Fact]
    public void LongPiecesEncodeToTheLibrarysCount()
    {
        var counter = new BytePairCounter(Reference.Library, Reference.Ranks);

        Reference.Check(Gen.OneOf(SingleRuns, RandomMixes), text => Reference.Pieces(text).All(piece =>
            counter.Count(piece) == Reference.Library.CountTokens(piece, considerPreTokenization: false)), maxTest: 150);
    }

    [Fact]
    public void TheQueueMergesAsTheScanDoes() =>
        Reference.Check(ShortByteStrings, bytes =>
            BytePairCounter.MergeByQueue(bytes, Reference.Ranks) == BytePairCounter.MergeByScan(bytes, Reference.Ranks), maxTest: 5_000);

    [Theory]
    [InlineData("a")]
    [InlineData(" ")]
    [InlineData("中")]
    public void AMebibyteOfOneRunIsCountedInSeconds(string unit)
    {
        var text = new StringBuilder().Insert(0, unit, (1 << 20) / Encoding.UTF8.GetByteCount(unit)).ToString();
        TokenCounter.Count("load the vocabulary first");

        var stopwatch = Stopwatch.StartNew();
        var count = TokenCounter.Count(text);
        stopwatch.Stop();

        // Under a second on an idle core; minutes when each merge scanned the whole piece (or each special token
        // rescanned the rest of the text). The bound leaves room for a loaded machine, so only that growth breaks it.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"counting took {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(count > 0);
    }

    [Fact]
    public void ManySpecialTokensAreFoundInOnePassOverTheText()
    {
        // Only one of the two special tokens: each search for the other used to scan the rest of the text.
        var text = string.Concat(Enumerable.Repeat("<|endoftext|>", 320_000));
        TokenCounter.Count("load the vocabulary first");

        var stopwatch = Stopwatch.StartNew();
        var count = TokenCounter.Count(text);
        stopwatch.Stop();

        Assert.Equal(320_000, count);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"counting took {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void ATextOfSpecialTokensCountsOneEach()
    {
        var text = string.Concat(Enumerable.Repeat("<|endoftext|>x<|endofprompt|>", 20_000));

        Assert.Equal(60_000, TokenCounter.Count(text));
    }
}
