using Provenance.Detector.Evaluation;
using Provenance.Detector.Scoring;
using Provenance.Detector.Tests.Support;

namespace Provenance.Detector.Tests.Evaluation;

public class ShippedModelEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public void TheShippedModelSeparatesHumanFromMachineOrMixedTextOnDev()
    {
        var corpus = TestCorpus.Require("dev.jsonl");
        using var detector = TextDetector.Load();

        var report = DetectorEvaluator.Evaluate(detector, corpus);

        output.WriteLine(report.ToTable());
        Assert.Equal(2456, report.Documents);
        Assert.True(report.Auroc >= 0.97, $"dev AUROC {report.Auroc:0.0000} is below 0.97");
        Assert.Contains(report.BySource, g => g.Group.StartsWith("hc3plus", StringComparison.Ordinal));
        Assert.Contains(report.ByGenerator, g => g.Group == "(human)");
    }

    [Fact]
    public void TheEvaluationTableNamesEverySourceAndGenerator()
    {
        var corpus = TestCorpus.Require("dev.jsonl");
        using var detector = TextDetector.Load();

        var table = DetectorEvaluator.Evaluate(detector, corpus).ToTable();

        Assert.Contains("AUROC (human vs machine-or-mixed)", table);
        Assert.Contains("TPR at 1% FPR", table);
        Assert.Contains("seqxgpt/document-level", table);
        Assert.Contains("gpt-neox-20b", table);
    }
}
