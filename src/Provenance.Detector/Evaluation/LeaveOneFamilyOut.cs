using System.Diagnostics;
using Provenance.Detector.Corpus;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;
using Provenance.Detector.Training;

namespace Provenance.Detector.Evaluation;

/// <summary>One document of a held-out family, scored by a model trained without that family.</summary>
public sealed record HeldOutScore(CorpusDocument Document, ScoredDocument Scores)
{
    public bool Machine => Document.LabelIndex != 0;
}

/// <summary>What one leave-one-family-out round trained on and what it scored.</summary>
public sealed record FamilyRun(string Family, int TrainDocuments, IReadOnlyList<HeldOutScore> Scores, TimeSpan Duration);

/// <summary>
/// Leave-one-family-out (LOFO): for each family of the training corpus, train without it and score its documents
/// (whole and by segment). A family is a source pipeline with its own domains, generators and formatting; a model
/// that has never seen it stands where the registry stands with real traffic. Grouped dev splits share families with
/// training and so predict little about unseen text; model, features and thresholds are chosen on these scores.
/// </summary>
public static class LeaveOneFamilyOut
{
    /// <param name="train">The training corpus; each round trains on it without one family.</param>
    /// <param name="extra">More labelled documents (dev) whose families' documents are scored with the family's round.</param>
    /// <param name="families">The families to hold out; null holds out every family of <paramref name="train"/>.</param>
    public static IReadOnlyList<FamilyRun> Run(IReadOnlyList<CorpusDocument> train, IReadOnlyList<CorpusDocument> extra,
        TrainingOptions options, IReadOnlyList<string>? families = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken ct = default)
    {
        families ??= Families(train);
        var runs = new List<FamilyRun>(families.Count);
        foreach (var family in families)
        {
            ct.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var rest = train.Where(d => d.Family != family).ToList();
            var held = train.Concat(extra).Where(d => d.Family == family).ToList();
            var fitted = DetectorTrainer.Fit(rest, options with { ModelVersion = $"{options.ModelVersion}-without-{family.Replace('/', '-')}" }, null, ct);
            var manifest = fitted.Manifest(options, "lofo", "none", TimeSpan.Zero);
            using var detector = TextDetector.Create(fitted.Onnx, manifest, new DetectorOptions { MaxBatch = 256 });
            var scored = new DocumentScorer(detector).ScoreRaw([.. held.Select(d => d.Text)], ct);
            runs.Add(new FamilyRun(family, rest.Count, [.. held.Select((d, i) => new HeldOutScore(d, scored[i]))], clock.Elapsed));
            progress?.Report(new("lofo", $"{family}: trained on {rest.Count:N0} documents of the other families, scored {held.Count:N0} in {clock.Elapsed.TotalSeconds:0.0}s"));
        }
        return runs;
    }

    /// <summary>The families of a corpus, in ordinal order.</summary>
    public static IReadOnlyList<string> Families(IEnumerable<CorpusDocument> documents) =>
        [.. documents.Select(d => d.Family).Distinct().Order(StringComparer.Ordinal)];
}
