using Provenance.Text.Tokens;

namespace Provenance.Text.Tests.Tokens;

/// <summary>24k varied English texts (news, stories, Q&amp;A, pre-tokenized text, code-ish and number-heavy lines).</summary>
public class TokenCounterCorpusTests
{
    [Theory]
    [InlineData("train.jsonl")]
    [InlineData("dev.jsonl")]
    public void EveryCorpusTextSplitsIntoTheLibrarysPieces(string file)
    {
        var texts = DetectorCorpus.Texts(file);

        var different = texts.Where(text => !Reference.Pieces(text).SequenceEqual(Reference.LibraryPieces(text))).ToList();

        Assert.Empty(different);
        Assert.True(texts.Count > 1_000, $"only {texts.Count} texts in {file}");
    }

    [Theory]
    [InlineData("train.jsonl")]
    [InlineData("dev.jsonl")]
    public void EveryCorpusTextHasTheLibrarysTokenCount(string file)
    {
        var texts = DetectorCorpus.Texts(file);

        var different = texts.Where(text => TokenCounter.Count(text) != Reference.Count(text)).ToList();

        Assert.Empty(different);
    }

    [Fact]
    public void EveryDistinctCorpusPieceEncodesToTheLibrarysCount()
    {
        var pieces = DetectorCorpus.Texts("train.jsonl").Concat(DetectorCorpus.Texts("dev.jsonl")).SelectMany(Reference.Pieces).ToHashSet();
        var counter = new BytePairCounter(Reference.Library, Reference.Ranks);

        var different = pieces.Where(piece => counter.Count(piece) != Reference.Library.CountTokens(piece, considerPreTokenization: false)).ToList();

        Assert.Empty(different);
    }
}
