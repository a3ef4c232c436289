using System.Text.Json;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;
using Provenance.Detector.Tests.Support;

namespace Provenance.Detector.Tests.Segments;

public class DocumentScorerTests
{
    static string Paragraph(string word, int count = 40) => string.Join(' ', Enumerable.Repeat(word, count));

    [Fact]
    public void ADocumentWithConfidentlyHumanAndConfidentlyMachineParagraphsIsMixed()
    {
        var human = Paragraph("honestly");
        var machine = Paragraph("delve");
        var document = $"{human}\n\n{machine}";
        var scorer = new DocumentScorer(new KeywordDetector());

        var verdict = scorer.Score(document);

        Assert.Equal(DetectorClass.Mixed, verdict.Class);
        Assert.True(verdict.SegmentsDisagree);
        Assert.Equal([SegmentReading.Human, SegmentReading.Machine], verdict.Segments.Select(s => s.Reading));
        Assert.Equal(human, document[verdict.Segments[0].Start..verdict.Segments[0].End]);
        Assert.Equal(machine, document[verdict.Segments[1].Start..verdict.Segments[1].End]);
    }

    [Fact]
    public void AMixedVerdictFromDisagreeingSegmentsCarriesTheSegmentsConfidenceNotTheWholeDocumentsPMixed()
    {
        var scorer = new DocumentScorer(new KeywordDetector());

        var verdict = scorer.Score($"{Paragraph("honestly")}\n\n{Paragraph("delve")}\n\n{Paragraph("plain")}");

        Assert.Equal(DetectorClass.Mixed, verdict.Class);
        Assert.Equal(0.05, verdict.PMixed, 5);
        // The most confident human segment (P(human) 0.95) and machine segment (P(synthetic) 0.95): 0.95 + 0.95 - 1.
        Assert.Equal(0.9, verdict.Confidence!.Value, 6);
    }

    [Fact]
    public void AWholeDocumentVerdictCarriesTheProbabilityOfItsClass()
    {
        var scorer = new DocumentScorer(new KeywordDetector());

        var human = scorer.Score(Paragraph("honestly"));
        var synthetic = scorer.Score($"{Paragraph("delve")}\n\n{Paragraph("plain")}");

        Assert.Equal(0.95, human.Confidence!.Value, 6);
        Assert.Equal(DetectorClass.Synthetic, synthetic.Class);
        Assert.Equal(synthetic.PSynthetic - synthetic.PMixed, synthetic.Confidence!.Value, 6);
    }

    [Fact]
    public void UncertainSegmentsDoNotMakeADocumentMixed()
    {
        var document = $"{Paragraph("delve")}\n\n{Paragraph("plain")}";
        var scorer = new DocumentScorer(new KeywordDetector());

        var verdict = scorer.Score(document);

        Assert.False(verdict.SegmentsDisagree);
        Assert.Equal(DetectorClass.Synthetic, verdict.Class);
        Assert.Equal([SegmentReading.Machine, SegmentReading.Uncertain], verdict.Segments.Select(s => s.Reading));
    }

    [Fact]
    public void AOneParagraphDocumentIsJudgedWholeWithoutSegments()
    {
        var scorer = new DocumentScorer(new KeywordDetector());

        var verdict = scorer.Score(Paragraph("honestly"));

        Assert.Empty(verdict.Segments);
        Assert.Equal(DetectorClass.Human, verdict.Class);
    }

    [Fact]
    public void DocumentsAndSegmentsAreScoredInOneBatch()
    {
        var detector = new KeywordDetector();
        var scorer = new DocumentScorer(detector);

        var verdicts = scorer.Score([$"{Paragraph("a")}\n{Paragraph("b")}", Paragraph("c")]);

        Assert.Equal(2, verdicts.Count);
        Assert.Equal(4, detector.Seen.Count);
    }

    [Fact]
    public void TheVerdictSerialisesAsEvidenceWithModelThresholdsAndSegments()
    {
        var scorer = new DocumentScorer(new KeywordDetector());
        var verdict = scorer.Score($"{Paragraph("honestly")}\n\n{Paragraph("delve")}");

        using var json = JsonDocument.Parse(verdict.ToJson());

        var root = json.RootElement;
        Assert.Equal("keywords@1", root.GetProperty("model").GetString());
        Assert.Equal("mixed", root.GetProperty("class").GetString());
        Assert.Equal(0.9, root.GetProperty("confidence").GetDouble(), 6);
        Assert.Equal(0.5, root.GetProperty("p_human").GetDouble(), 5);
        Assert.Equal(0.8, root.GetProperty("thresholds").GetProperty("segment_machine").GetDouble());
        var segment = root.GetProperty("segments")[1];
        Assert.Equal("machine", segment.GetProperty("reading").GetString());
        Assert.True(segment.GetProperty("end").GetInt32() > segment.GetProperty("start").GetInt32());
        Assert.Equal(0.95, segment.GetProperty("p_synthetic").GetDouble(), 5);
    }
}
