using Microsoft.ML.Tokenizers;
using Provenance.Text.Tokens;

namespace Provenance.Text.Tests.Tokens;

public class TokenCounterTests
{
    static void AssertLibraryCount(string text) => Assert.Equal(Reference.Count(text), TokenCounter.Count(text));

    [Fact]
    public void AnEmptyTextHasNoTokens()
    {
        Assert.Equal(0, TokenCounter.Count(""));
    }

    [Fact]
    public void OrdinaryEnglishCountsAsTheLibraryCountsIt()
    {
        const string text = "The registry stores, for every registered document, its token count under o200k_base.\n\nIt's 2025; don't panic!";

        Assert.Equal(Reference.Library.CountTokens(text), TokenCounter.Count(text));
        Assert.Equal(26, TokenCounter.Count(text));
    }

    [Fact]
    public void SpecialTokensInTheTextCountAsTheLibraryCountsThem()
    {
        AssertLibraryCount("a<|endoftext|>b");
        AssertLibraryCount("<|endofprompt|>");
        AssertLibraryCount("  <|endoftext|>  \n<|endoftext|>");
        AssertLibraryCount("<|endoftext");
        AssertLibraryCount("<|not special|>");
    }

    [Fact]
    public void ASpecialTokenStaysOneTokenAfterTheLibraryHasEvictedItFromItsCache()
    {
        var library = TiktokenTokenizer.CreateForEncoding("o200k_base");
        var fresh = library.CountTokens("<|endoftext|>");

        // Pieces of up to 15 characters that are not tokens themselves enter the library's 8,192-entry LRU cache.
        foreach (var i in Enumerable.Range(0, 10_000))
        {
            library.CountTokens("xqz" + new string([.. $"{i:D5}".Select(digit => (char)('a' + digit - '0'))]));
        }

        Assert.Equal(1, fresh);
        Assert.Equal(7, library.CountTokens("<|endoftext|>"));
        Assert.Equal(1, TokenCounter.Count("<|endoftext|>"));
    }

    [Fact]
    public void InvalidUtf16AndReplacementCharactersCountAsTheLibraryCountsThem()
    {
        AssertLibraryCount("\uD800abc");
        AssertLibraryCount("abc\uDC00");
        AssertLibraryCount("\uDE00\uD83D");
        AssertLibraryCount("\uFFFD");
        AssertLibraryCount(" \uFFFD\uFFFD");
        AssertLibraryCount("\0\0 x\0");
    }

    [Fact]
    public void PiecesLongerThanTheCacheKeepsCountAsTheLibraryCountsThem()
    {
        AssertLibraryCount(" internationalization antidisestablishmentarianism");
        AssertLibraryCount(new string('a', 200) + " " + new string('Z', 129) + new string('-', 1000));
        AssertLibraryCount(string.Concat(Enumerable.Repeat("😀", 100)));
        AssertLibraryCount(new string(' ', 500) + "x" + new string('\n', 300));
    }

    [Fact]
    public void ConcurrentCountsAreExact()
    {
        var texts = Enumerable.Range(0, 2_000).Select(i => $"Document {i}: word{i % 97} Wörd{i % 89} 中{i % 13}文 {i * 7919} it's ok\n").ToArray();
        var expected = texts.Select(Reference.Count).ToArray();
        var counter = new O200kTokenCounter(TiktokenTokenizer.CreateForEncoding("o200k_base"), Reference.Ranks, cacheSlots: 64);
        var wrong = 0;

        Parallel.For(0, texts.Length * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (counter.Count(texts[i % texts.Length]) != expected[i % texts.Length])
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.Equal(0, wrong);
    }
}
