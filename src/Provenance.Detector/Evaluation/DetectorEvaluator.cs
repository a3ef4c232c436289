using System.Globalization;
using System.Text;
using Provenance.Detector.Corpus;
using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;

namespace Provenance.Detector.Evaluation;

/// <summary>
/// Scores a labelled corpus and reports how well a detector separates human text from machine-or-mixed text
/// (positive = synthetic or mixed), overall and per family, source and generator. Classes are the verdicts the
/// registry would record (<see cref="DocumentScorer"/>: the segment rule and abstention included); AUROC and the
/// 1%-FPR figures rank the whole-document p_synthetic.
/// </summary>
public static class DetectorEvaluator
{
    /// <param name="corpusPath">dev.jsonl, or a folder holding it.</param>
    public static EvaluationReport Evaluate(ITextDetector detector, string corpusPath, int batchSize = 1024, CancellationToken ct = default)
    {
        var file = CorpusReader.Resolve(corpusPath, "dev.jsonl");
        return Evaluate(detector, CorpusReader.Read(file), Path.GetFileName(file), batchSize, ct);
    }

    public static EvaluationReport Evaluate(ITextDetector detector, IEnumerable<CorpusDocument> documents, string corpusName,
        int batchSize = 1024, CancellationToken ct = default)
    {
        var scorer = new DocumentScorer(detector);
        var held = new List<HeldOutScore>();
        foreach (var chunk in documents.Chunk(batchSize))
        {
            var scored = scorer.ScoreRaw([.. chunk.Select(d => d.Text)], ct);
            held.AddRange(chunk.Select((d, i) => new HeldOutScore(d, scored[i])));
        }
        return Report(detector.ModelId, corpusName, held, detector.Thresholds);
    }

    /// <summary>
    /// Records a report's headline figures in a model manifest under <paramref name="split"/> (e.g. "dev"), so the
    /// manifest carries the figures quoted in the model card.
    /// </summary>
    public static ModelManifest RecordInManifest(string manifestPath, string split, EvaluationReport report)
    {
        var manifest = ModelManifest.FromJson(File.ReadAllText(manifestPath));
        var metrics = new Dictionary<string, MetricsSummary>(manifest.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            [split] = report.Summary(),
        };
        var updated = manifest with { Metrics = metrics };
        File.WriteAllText(manifestPath, updated.ToJson());
        return updated;
    }

    /// <summary>Builds the report from raw scores already computed (the verdict rule is applied with <paramref name="thresholds"/>).</summary>
    public static EvaluationReport Report(string model, string corpusName, IReadOnlyList<HeldOutScore> scored, DetectorThresholds thresholds)
    {
        var documents = scored.Select(s => s.Document).ToArray();
        var machine = scored.Select(s => 1.0 - s.Scores.PHuman).ToArray();
        var positive = documents.Select(d => d.LabelIndex != 0).ToArray();
        var thresholdAt1Pct = RocMetrics.ThresholdAtFpr(machine, positive, 0.01);
        var predicted = scored.Select(s => (int)DocumentScorer.Verdict(model, s.Scores, thresholds).Class).ToArray();
        var actual = documents.Select(d => d.LabelIndex).ToArray();
        var confusion = new int[3, 4];
        for (var i = 0; i < actual.Length; i++)
        {
            confusion[actual[i], predicted[i]]++;
        }

        IReadOnlyList<GroupMetrics> By(Func<CorpusDocument, string> key) => Enumerable.Range(0, documents.Length)
            .GroupBy(i => key(documents[i]))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Group(g.Key, g.ToArray(), machine, positive, predicted, actual, thresholdAt1Pct))
            .ToArray();

        return new EvaluationReport(
            model, corpusName, documents.Length,
            positive.Count(p => !p), positive.Count(p => p),
            RocMetrics.Auroc(machine, positive),
            RocMetrics.TprAtFpr(machine, positive, 0.01),
            thresholdAt1Pct,
            predicted.Zip(actual).Count(p => p.First == p.Second) / (double)Math.Max(1, actual.Length),
            ClassMetrics.MacroF1(predicted, actual, 3),
            confusion,
            VerdictCalibration.Measure(scored, thresholds),
            By(d => d.Source ?? "(none)"),
            By(d => d.Generator ?? "(human)"));
    }

    static bool Flagged(int predicted) => predicted is (int)DetectorClass.Synthetic or (int)DetectorClass.Mixed;

    static GroupMetrics Group(string name, int[] members, double[] machine, bool[] positive, int[] predicted, int[] actual, double thresholdAt1Pct)
    {
        var humans = members.Where(i => !positive[i]).ToArray();
        var machines = members.Where(i => positive[i]).ToArray();
        var scores = members.Select(i => machine[i]).ToArray();
        var labels = members.Select(i => positive[i]).ToArray();
        return new GroupMetrics(
            name, members.Length, humans.Length, machines.Length,
            humans.Length > 0 && machines.Length > 0 ? RocMetrics.Auroc(scores, labels) : null,
            members.Count(i => predicted[i] == actual[i]) / (double)members.Length,
            members.Count(i => Flagged(predicted[i]) == positive[i]) / (double)members.Length,
            machines.Length > 0 ? machines.Count(i => Flagged(predicted[i])) / (double)machines.Length : null,
            humans.Length > 0 ? humans.Count(i => Flagged(predicted[i])) / (double)humans.Length : null,
            machines.Length > 0 ? machines.Count(i => machine[i] > thresholdAt1Pct) / (double)machines.Length : null);
    }
}

/// <summary>Figures for one source or generator.</summary>
/// <remarks>"Flagged" means a verdict of synthetic or mixed; human and unknown (abstained) verdicts are not flagged.</remarks>
/// <param name="Auroc">Within the group; null unless it has both human and machine-or-mixed documents.</param>
/// <param name="Accuracy">Three-class accuracy (human / synthetic / mixed).</param>
/// <param name="BinaryAccuracy">Share of documents flagged exactly when they are machine-or-mixed (abstentions count as not flagged).</param>
/// <param name="Tpr">Share of machine-or-mixed documents flagged (coverage).</param>
/// <param name="Fpr">Share of human documents flagged.</param>
/// <param name="TprAt1PctFpr">Share of machine-or-mixed documents above the corpus-wide 1%-FPR threshold.</param>
public sealed record GroupMetrics(string Group, int Documents, int Human, int Machine, double? Auroc, double Accuracy,
    double BinaryAccuracy, double? Tpr, double? Fpr, double? TprAt1PctFpr);

/// <summary>The result of <see cref="DetectorEvaluator"/>; positive = synthetic or mixed.</summary>
public sealed record EvaluationReport(
    string Model, string Corpus, int Documents, int Human, int Machine,
    double Auroc, double TprAt1PctFpr, double ThresholdAt1PctFpr, double Accuracy, double MacroF1,
    int[,] Confusion, IReadOnlyList<FamilyVerdictMetrics> ByFamily, IReadOnlyList<GroupMetrics> BySource, IReadOnlyList<GroupMetrics> ByGenerator)
{
    /// <summary>The headline figures, as recorded in a model manifest.</summary>
    public MetricsSummary Summary() =>
        new(Documents, Math.Round(Auroc, 6), Math.Round(TprAt1PctFpr, 6), Math.Round(Accuracy, 6), Math.Round(MacroF1, 6));

    /// <summary>A plain-text report: headline figures, the confusion matrix, then per-source and per-generator tables.</summary>
    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Model {Model} on {Corpus}: {Documents} documents ({Human} human, {Machine} synthetic or mixed)");
        text.AppendLine(c, $"AUROC (human vs machine-or-mixed)  {Auroc:0.0000}");
        text.AppendLine(c, $"TPR at 1% FPR                      {TprAt1PctFpr:0.0000}  (p_synthetic > {ThresholdAt1PctFpr:0.0000})");
        text.AppendLine(c, $"3-class accuracy                   {Accuracy:0.0000}");
        text.AppendLine(c, $"3-class macro F1                   {MacroF1:0.0000}");
        text.AppendLine();
        text.AppendLine();
        text.Append(FamilyTable.Format(ByFamily));
        text.AppendLine();
        text.AppendLine("Verdicts (rows actual, columns recorded; unknown = the detector abstained)");
        text.AppendLine(c, $"{"",-10}{"human",10}{"synthetic",10}{"mixed",10}{"unknown",10}");
        string[] labels = ["human", "synthetic", "mixed"];
        for (var a = 0; a < 3; a++)
        {
            text.AppendLine(c, $"{labels[a],-10}{Confusion[a, 0],10}{Confusion[a, 1],10}{Confusion[a, 2],10}{Confusion[a, 3],10}");
        }
        AppendGroups(text, "source", BySource);
        AppendGroups(text, "generator", ByGenerator);
        return text.ToString();
    }

    static void AppendGroups(StringBuilder text, string title, IReadOnlyList<GroupMetrics> groups)
    {
        var c = CultureInfo.InvariantCulture;
        var width = Math.Max(title.Length, groups.Count == 0 ? 0 : groups.Max(g => g.Group.Length)) + 2;
        text.AppendLine();
        text.AppendLine(c, $"{title.PadRight(width)}{"docs",6}{"human",7}{"machine",8}{"AUROC",8}{"acc3",7}{"acc2",7}{"TPR",7}{"FPR",7}{"TPR@1%",8}");
        foreach (var g in groups)
        {
            text.AppendLine(c, $"{g.Group.PadRight(width)}{g.Documents,6}{g.Human,7}{g.Machine,8}{Format(g.Auroc),8}{Format(g.Accuracy),7}"
                + $"{Format(g.BinaryAccuracy),7}{Format(g.Tpr),7}{Format(g.Fpr),7}{Format(g.TprAt1PctFpr),8}");
        }
    }

    static string Format(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";
}
