using System.Text.Json;
using Provenance.Detector.Jsonl;
using Provenance.Detector.Scoring;
using Provenance.Detector.Tests.Support;
using Provenance.Detector.ZeroShot;

namespace Provenance.Detector.Tests.ZeroShot;

public sealed class ZeroShotJsonlTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-zs-jsonl-");

    public void Dispose() => _directory.Delete(recursive: true);

    const string Input = """
        {"id": "a", "text": "ab cd ef gh"}
        {"id": "b", "text": "ab cd"
        {"id": 7, "text": "abcd abcd ef"}

        {"id": "short", "text": "h"}
        ["not", "an", "object"]
        """;

    [Fact]
    public async Task EveryGoodLineGetsItsScoresAndBadLinesAreReportedWithTheirNumbers()
    {
        var folder = Path.Combine(_directory.FullName, "lm");
        TinyLanguageModel.Random(41).Write(folder);
        using var scorer = ZeroShotScorer.Load(new ZeroShotOptions { Model = folder });
        var expected = scorer.Score(["ab cd ef gh", "abcd abcd ef"]);
        var output = new StringWriter();
        var reported = new List<JsonlLineError>();

        var summary = await ZeroShotJsonl.ScoreAsync(new StringReader(Input), output, scorer, batchSize: 2, reported.Add);

        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(3, summary.Scored);
        Assert.Equal(1, summary.Blank);
        Assert.Equal([2L, 6L], summary.Errors.Select(e => e.Line));
        Assert.Equal(summary.Errors, reported);
        Assert.Equal(["id", "criterion", "machine_score", "tokens", "method"], rows[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("a", rows[0].GetProperty("id").GetString());
        Assert.Equal(expected[0].Criterion, rows[0].GetProperty("criterion").GetDouble(), 1e-6);
        Assert.Equal(expected[0].MachineScore, rows[0].GetProperty("machine_score").GetDouble(), 1e-6);
        Assert.Equal(expected[0].Tokens, rows[0].GetProperty("tokens").GetInt32());
        Assert.Equal("fast-detect-gpt", rows[0].GetProperty("method").GetString());
        Assert.Equal(7, rows[1].GetProperty("id").GetInt32());
        Assert.Equal(expected[1].Criterion, rows[1].GetProperty("criterion").GetDouble(), 1e-6);
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("criterion").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("machine_score").ValueKind);
        Assert.Equal(1, rows[2].GetProperty("tokens").GetInt32());
    }
}
