using Provenance.Detector.Segments;

namespace Provenance.Detector.Tests.Segments;

public class DocumentSegmenterTests
{
    static string Words(int count, string word = "word") => string.Join(' ', Enumerable.Repeat(word, count));

    [Fact]
    public void ParagraphsBecomeSegmentsWithTheirCharacterOffsets()
    {
        var first = Words(40, "alpha");
        var second = Words(35, "beta");
        var text = $"  {first}\n\n{second}\n";

        var segments = DocumentSegmenter.Split(text);

        Assert.Equal(2, segments.Count);
        Assert.Equal(first, text[segments[0].Start..segments[0].End]);
        Assert.Equal(second, text[segments[1].Start..segments[1].End]);
    }

    [Fact]
    public void ShortParagraphsJoinTheirNeighbours()
    {
        var text = $"A title\n{Words(40, "body")}\nSigned, me";

        var segments = DocumentSegmenter.Split(text);

        var only = Assert.Single(segments);
        Assert.Equal(0, only.Start);
        Assert.Equal(text.Length, only.End);
    }

    [Fact]
    public void ALongParagraphIsCutIntoWindowsOfTheConfiguredSize()
    {
        var text = Words(300);
        var options = new SegmentOptions { MaxWords = 100, StrideWords = 100, MinWords = 30 };

        var segments = DocumentSegmenter.Split(text, options);

        Assert.Equal(3, segments.Count);
        Assert.All(segments, s => Assert.Equal(100, text[s.Start..s.End].Split(' ').Length));
        Assert.Equal(0, segments[0].Start);
        Assert.Equal(text.Length, segments[^1].End);
    }

    [Fact]
    public void AShortTailWindowIsFoldedIntoThePreviousOne()
    {
        var text = Words(210);
        var options = new SegmentOptions { MaxWords = 100, StrideWords = 100, MinWords = 30 };

        var segments = DocumentSegmenter.Split(text, options);

        Assert.Equal(2, segments.Count);
        Assert.Equal(110, text[segments[1].Start..segments[1].End].Split(' ').Length);
    }

    [Fact]
    public void OverlappingWindowsAdvanceByTheStride()
    {
        var text = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"w{i}"));
        var options = new SegmentOptions { MaxWords = 100, StrideWords = 50, MinWords = 30 };

        var segments = DocumentSegmenter.Split(text, options);

        Assert.Equal(["w0", "w50", "w100"], segments.Select(s => text[s.Start..s.End].Split(' ')[0]));
    }
}
