using System.Text.Json;
using Provenance.Detector.Corpus;
using Provenance.Detector.Jsonl;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;
using Provenance.Detector.Tests.Support;

namespace Provenance.Detector.Tests.Jsonl;

public class JsonlScorerTests
{
    const string Input = """
        {"id": "a", "text": "honestly I think so"}
        {"id": "b", "text": "let us delve into it"
        {"id": 7, "text": "neither here nor there"}

        {"id": "c"}
        ["not", "an", "object"]
        {"id": "d", "text": "we delve, honestly"}
        """;

    [Fact]
    public async Task GoodLinesAreScoredInOrderAndBadLinesAreReportedWithTheirNumbers()
    {
        var output = new StringWriter();
        var reported = new List<JsonlLineError>();

        var summary = await JsonlScorer.ScoreAsync(new StringReader(Input), output, new KeywordDetector(), batchSize: 2, reported.Add);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, summary.Scored);
        Assert.Equal(7, summary.Lines);
        Assert.Equal(1, summary.Blank);
        Assert.Equal([2L, 5L, 6L], summary.Errors.Select(e => e.Line));
        Assert.Equal(summary.Errors, reported);
        Assert.Contains("not valid JSON", summary.Errors[0].Reason);
        Assert.Contains("\"text\"", summary.Errors[1].Reason);
        Assert.Contains("object", summary.Errors[2].Reason);
        var rows = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal("a", rows[0].GetProperty("id").GetString());
        Assert.Equal("human", rows[0].GetProperty("class").GetString());
        Assert.Equal(7, rows[1].GetProperty("id").GetInt32());
        Assert.Equal("d", rows[2].GetProperty("id").GetString());
        Assert.Equal(["id", "p_synthetic", "p_mixed", "class", "confidence", "segments_disagree"], rows[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task ADocumentWhoseConfidentSegmentsDisagreeIsMixedAsTheWorkerWouldRecordIt()
    {
        var paragraphs = $"{string.Join(' ', Enumerable.Repeat("honestly", 40))}\n\n{string.Join(' ', Enumerable.Repeat("delve", 40))}";
        var input = JsonSerializer.Serialize(new { id = "m", text = paragraphs });
        var output = new StringWriter();

        await JsonlScorer.ScoreAsync(new StringReader(input), output, new KeywordDetector());

        var row = JsonDocument.Parse(output.ToString()).RootElement;
        var verdict = new DocumentScorer(new KeywordDetector()).Score(paragraphs);
        Assert.Equal("mixed", row.GetProperty("class").GetString());
        Assert.True(row.GetProperty("segments_disagree").GetBoolean());
        Assert.Equal(verdict.Confidence, row.GetProperty("confidence").GetDouble());
        Assert.Equal(Math.Round(verdict.PSynthetic, 6), row.GetProperty("p_synthetic").GetDouble());
    }

    [Fact]
    public async Task TheScoreCommandAndTheWorkerGiveEveryDevDocumentTheSameClassAndConfidence()
    {
        var corpus = TestCorpus.Require("dev.jsonl");
        var documents = CorpusReader.Read(Path.Combine(corpus, "dev.jsonl")).ToArray();
        var input = string.Join('\n', documents.Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text })));
        var output = new StringWriter();
        using var detector = TextDetector.Load();

        await JsonlScorer.ScoreAsync(new StringReader(input), output, detector, batchSize: 100);

        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var verdicts = new DocumentScorer(detector).Score([.. documents.Select(d => d.Text)]);
        Assert.Equal(documents.Length, rows.Length);
        Assert.Equal(verdicts.Select(v => v.Class.ToLabel()), rows.Select(r => r.GetProperty("class").GetString()));
        Assert.Equal(verdicts.Select(v => v.Confidence),
            rows.Select(r => r.GetProperty("confidence") is { ValueKind: JsonValueKind.Number } c ? c.GetDouble() : (double?)null));
        // The segment rule must have decided some of them, or this would only compare whole-document classes.
        Assert.Contains(verdicts, v => v.SegmentsDisagree && TextScore.FromProbabilities(v.PHuman, v.PMixed, v.Thresholds).Class != DetectorClass.Mixed);
    }

    [Fact]
    public async Task AFileRoundTripWithTheShippedModelWritesOneScoreLinePerGoodLine()
    {
        var directory = Directory.CreateTempSubdirectory("provenance-jsonl-");
        try
        {
            var input = Path.Combine(directory.FullName, "docs.jsonl");
            var output = Path.Combine(directory.FullName, "scores.jsonl");
            await File.WriteAllLinesAsync(input,
            [
                JsonSerializer.Serialize(new { id = "one", text = "The committee will meet again in March to review the budget." }),
                "{broken",
                JsonSerializer.Serialize(new { id = "two", text = "I can't believe how cold it got last night, my pipes froze lol" }),
            ]);
            using var detector = TextDetector.Load();

            var summary = await JsonlScorer.ScoreFileAsync(input, output, detector);

            var rows = (await File.ReadAllLinesAsync(output)).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(2, rows.Length);
            Assert.Equal(["one", "two"], rows.Select(r => r.GetProperty("id").GetString()));
            Assert.All(rows, r => Assert.InRange(r.GetProperty("p_synthetic").GetDouble(), 0, 1));
            Assert.All(rows, r => Assert.Contains(r.GetProperty("class").GetString(), new[] { "human", "synthetic", "mixed", "unknown" }));
            Assert.Equal(2, Assert.Single(summary.Errors).Line);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
