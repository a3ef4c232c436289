using System.Diagnostics;
using System.Security.Cryptography;
using Provenance.Detector.Corpus;
using Provenance.Detector.Evaluation;
using Provenance.Detector.Features;
using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;

namespace Provenance.Detector.Training;

/// <summary>
/// Trains the detector from a labelled JSONL corpus and writes it as ONNX plus a manifest. Deterministic for a
/// given seed: featurizing runs in parallel but per document, and the optimiser runs on one thread.
/// </summary>
public static class DetectorTrainer
{
    public const string ModelFileName = "provenance-detector.onnx";
    public const string ManifestFileName = "provenance-detector.manifest.json";

    /// <param name="corpusPath">train.jsonl, or a folder holding it.</param>
    /// <param name="outputDirectory">Receives <see cref="ModelFileName"/> and <see cref="ManifestFileName"/>.</param>
    public static TrainingResult Train(string corpusPath, string outputDirectory, TrainingOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        options ??= new TrainingOptions();
        var clock = Stopwatch.StartNew();
        var file = CorpusReader.Resolve(corpusPath, "train.jsonl");
        var documents = CorpusReader.Read(file).ToList();
        progress?.Report(new("read", $"{documents.Count} documents from {file}"));
        IReadOnlyList<HeldOutScore>? heldOut = null;
        if (options.ThresholdsFromHeldOutFamilies)
        {
            heldOut = [.. LeaveOneFamilyOut.Run(documents, [], options, progress: progress, ct: ct).SelectMany(r => r.Scores)];
        }
        var fitted = Fit(documents, options, progress, ct);

        Directory.CreateDirectory(outputDirectory);
        var modelPath = Path.Combine(outputDirectory, ModelFileName);
        File.WriteAllBytes(modelPath, fitted.Onnx);
        var manifest = fitted.Manifest(options, Path.GetFileName(file), CorpusReader.Digest(file), clock.Elapsed);
        if (heldOut is not null)
        {
            // Mixed against purely synthetic keeps the in-family validation's threshold (see Choose).
            var thresholds = VerdictCalibration.Choose(heldOut, options.Targets, fitted.Thresholds.Mixed);
            var families = VerdictCalibration.Measure(heldOut, thresholds);
            manifest = manifest with
            {
                Thresholds = thresholds,
                HeldOutFamilies = families,
                HeldOutFamiliesNested = VerdictCalibration.MeasureNested(heldOut, options.Targets, fitted.Thresholds.Mixed),
                Targets = options.Targets,
            };
            progress?.Report(new("thresholds", $"held-out families: mean AUROC {families.Average(f => f.Auroc ?? 0):0.000}, "
                + $"at most {families.Max(f => f.HumanFlagged ?? 0):P1} of any family's human texts flagged, thresholds {thresholds}"));
        }
        var manifestPath = Path.Combine(outputDirectory, ManifestFileName);
        File.WriteAllText(manifestPath, manifest.ToJson());
        progress?.Report(new("done", $"wrote {modelPath} ({fitted.Onnx.Length / 1048576.0:0.0} MiB) in {clock.Elapsed.TotalSeconds:0.0}s"));
        return new TrainingResult(modelPath, manifestPath, manifest, clock.Elapsed);
    }

    /// <summary>Trains on <paramref name="corpus"/> in memory: the network, its ONNX bytes and validation figures.</summary>
    internal static FittedDetector Fit(IReadOnlyList<CorpusDocument> corpus, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        options.Features.Validate();
        var clock = Stopwatch.StartNew();
        var documents = corpus.ToList();
        var random = new DeterministicRandom((ulong)options.Seed);
        if (options.MaxDocuments is { } max && max < documents.Count)
        {
            random.Shuffle(documents);
            documents = documents.Take(max).ToList();
        }
        var validation = HoldOut(documents, options.ValidationFraction, random).ToList();
        var groups = Enumerable.Range(0, documents.Count).ToList();
        var originals = documents.Count;
        for (var copy = 0; copy < options.AugmentedCopies; copy++)
        {
            for (var i = 0; i < originals; i++)
            {
                if (!validation[i])
                {
                    // Mixed documents are not cut: a window could hold only one of the two authors.
                    var d = documents[i];
                    documents.Add(d with { Text = TextAugmenter.Vary(d.Text, cut: d.LabelIndex != 2, random) });
                    validation.Add(false);
                    groups.Add(i);
                }
            }
        }
        progress?.Report(new("read", $"{originals} documents, {validation.Count(v => v)} held out for validation, "
            + $"{documents.Count - originals} augmented variants"));

        var examples = Featurize(documents, options.Features, ct);
        progress?.Report(new("featurize", $"featurized in {clock.Elapsed.TotalSeconds:0.0}s; "
            + $"{examples.Average(e => e.Ngrams.Length):0} n-grams and {examples.Average(e => e.Words.Length):0} tokens per document"));

        var languageModel = CrossFitLanguageModel(examples, [.. validation], [.. groups], options, random, ct);
        progress?.Report(new("language-model", $"human-text language model ready at {clock.Elapsed.TotalSeconds:0.0}s"));

        AssignWeights(examples, documents, options);
        var train = Enumerable.Range(0, examples.Length).Where(i => !validation[i]).Select(i => examples[i]).ToArray();
        var held = Enumerable.Range(0, examples.Length).Where(i => validation[i]).Select(i => examples[i]).ToArray();
        var logRatio = CrossFitLogRatios(examples, [.. validation], [.. groups], options, random);
        progress?.Report(new("log-ratios", $"n-gram log ratios ready at {clock.Elapsed.TotalSeconds:0.0}s"));
        var network = new DetectorNetwork(options.Features, options.Hidden, languageModel, logRatio);
        Standardise(network, train);
        var optimiser = new NetworkOptimiser(network, options, random);
        var (bestEpoch, epochs) = optimiser.Fit(train, held, progress, ct);

        network.RoundEmbeddingToHalf();
        var heldScores = held.Select(e => optimiser.Predict(e)).ToArray();
        var thresholds = ChooseThresholds(heldScores, held.Select(e => e.Label).ToArray());
        var validationMetrics = Summarise(heldScores, held.Select(e => e.Label).ToArray(), thresholds);
        progress?.Report(new("thresholds", $"validation AUROC {validationMetrics.Auroc:0.0000}, TPR@1%FPR {validationMetrics.TprAt1PctFpr:0.000}, "
            + $"threshold {thresholds.Synthetic:0.000}"));

        var bytes = DetectorGraph.Build(network, new Dictionary<string, string>
        {
            ["name"] = options.ModelName,
            ["version"] = options.ModelVersion,
            ["labels"] = string.Join(",", DetectorNetwork.Labels),
        });
        return new FittedDetector(network, bytes, thresholds, validationMetrics, train.Length, held.Length, bestEpoch, epochs);
    }

    /// <summary>Marks <paramref name="fraction"/> of every source as validation, so each source is represented.</summary>
    static bool[] HoldOut(List<CorpusDocument> documents, double fraction, DeterministicRandom random)
    {
        var held = new bool[documents.Count];
        var bySource = Enumerable.Range(0, documents.Count)
            .GroupBy(i => documents[i].Source ?? "")
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in bySource)
        {
            var indices = group.ToList();
            random.Shuffle(indices);
            var take = (int)Math.Round(indices.Count * fraction);
            foreach (var i in indices.Take(take))
            {
                held[i] = true;
            }
        }
        return held;
    }

    static TrainingExample[] Featurize(List<CorpusDocument> documents, FeatureConfig config, CancellationToken ct)
    {
        var examples = new TrainingExample[documents.Count];
        Parallel.For(0, documents.Count, new ParallelOptions { CancellationToken = ct }, () => new DocumentFeaturizer(config), (i, _, featurizer) =>
        {
            featurizer.Featurize(documents[i].Text);
            examples[i] = new TrainingExample(
                ToInt(featurizer.NgramIds.AsSpan(0, featurizer.NgramCount)),
                ToInt(featurizer.LmUnigram.AsSpan(0, featurizer.LmCount)),
                ToInt(featurizer.LmContext.AsSpan(0, featurizer.LmCount)),
                ToInt(featurizer.LmBigram.AsSpan(0, featurizer.LmCount)),
                (float[])featurizer.Style.Clone(),
                documents[i].LabelIndex);
            return featurizer;
        }, _ => { });
        return examples;
    }

    static int[] ToInt(ReadOnlySpan<long> values)
    {
        var result = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = (int)values[i];
        }
        return result;
    }

    /// <summary>
    /// Builds the shipped language model from all human training texts and fills every example's dense vector.
    /// Human training texts get their statistics from a model that excludes their own fold (cross-fitting), so
    /// at training time they look like unseen human text does at inference time.
    /// </summary>
    static LanguageModelTables CrossFitLanguageModel(TrainingExample[] examples, bool[] validation, int[] groups, TrainingOptions options,
        DeterministicRandom random, CancellationToken ct)
    {
        var config = options.Features;
        var humans = Enumerable.Range(0, examples.Length).Where(i => !validation[i] && examples[i].Label == 0).ToList();
        var folds = Math.Max(2, options.LanguageModelFolds);
        // Folds by group: a text and its augmented variants share a fold, so no variant is scored by a model that read another.
        var humanGroups = humans.Select(i => groups[i]).Distinct().ToList();
        random.Shuffle(humanGroups);
        var foldOfGroup = new Dictionary<int, int>();
        for (var k = 0; k < humanGroups.Count; k++)
        {
            foldOfGroup[humanGroups[k]] = k % folds;
        }
        var foldOf = humans.ToDictionary(i => i, i => foldOfGroup[groups[i]]);
        var sortedHumans = humans.Order().ToList();

        LanguageModelTables Build(int excludedFold)
        {
            var model = new HumanLanguageModel(config);
            foreach (var i in sortedHumans.Where(i => foldOf[i] != excludedFold))
            {
                model.Add(examples[i].Words, examples[i].Contexts);
            }
            return model.Build();
        }

        var full = Build(-1);
        var foldModels = Enumerable.Range(0, folds).Select(Build).ToArray();
        var thresholds = config.LmLogProbThresholds;
        Parallel.For(0, examples.Length, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var example = examples[i];
            var tables = foldOf.TryGetValue(i, out var fold) ? foldModels[fold] : full;
            var styleCount = StyleStatistics.Count;
            var dense = new float[styleCount + LanguageModelStatistics.Count(config) + NgramLogRatioStatistics.Count];
            example.Style.CopyTo(dense, 0);
            LanguageModelStatistics.Compute(tables, thresholds, Widen(example.Words), Widen(example.Contexts), Widen(example.Pairs),
                dense.AsSpan(styleCount));
            example.Dense = dense;
        });
        return full;
    }

    /// <summary>
    /// Naive-Bayes n-gram log ratios from all training documents for the model, and for each training document its
    /// statistics from a table that excludes its own fold (the same cross-fitting as the language model).
    /// </summary>
    static float[] CrossFitLogRatios(TrainingExample[] examples, bool[] validation, int[] groups, TrainingOptions options, DeterministicRandom random)
    {
        var buckets = options.Features.NgramBuckets;
        var folds = Math.Max(2, options.LanguageModelFolds);
        var members = Enumerable.Range(0, examples.Length).Where(i => !validation[i]).ToList();
        var memberGroups = members.Select(i => groups[i]).Distinct().ToList();
        random.Shuffle(memberGroups);
        var foldOfGroup = new Dictionary<int, int>();
        for (var k = 0; k < memberGroups.Count; k++)
        {
            foldOfGroup[memberGroups[k]] = k % folds;
        }
        var foldOf = new int[examples.Length];
        Array.Fill(foldOf, -1);
        var total = new NgramLogRatioCounts(buckets);
        var foldCounts = Enumerable.Range(0, folds).Select(_ => new NgramLogRatioCounts(buckets)).ToArray();
        foreach (var i in members)
        {
            foldOf[i] = foldOfGroup[groups[i]];
        }
        for (var i = 0; i < examples.Length; i++)
        {
            if (foldOf[i] >= 0)
            {
                total.Add(examples[i].Ngrams, examples[i].Label != 0);
                foldCounts[foldOf[i]].Add(examples[i].Ngrams, examples[i].Label != 0);
            }
        }
        var full = total.BuildExcluding(null);
        var foldTables = foldCounts.Select(total.BuildExcluding).ToArray();
        var offset = StyleStatistics.Count + LanguageModelStatistics.Count(options.Features);
        Parallel.For(0, examples.Length, i =>
        {
            var table = foldOf[i] >= 0 ? foldTables[foldOf[i]] : full;
            NgramLogRatioStatistics.Compute(table, examples[i].Ngrams, examples[i].Dense.AsSpan(offset));
        });
        return full;
    }

    /// <summary>
    /// Sets <see cref="TrainingExample.Weight"/> (mean 1). With <see cref="TrainingOptions.BalanceSources"/>, human and
    /// machine-or-mixed documents carry equal weight within each family; with <see cref="TrainingOptions.BalanceFamilies"/>
    /// every family also carries the same total weight, so the largest family does not decide what "machine" means.
    /// </summary>
    static void AssignWeights(TrainingExample[] examples, List<CorpusDocument> documents, TrainingOptions options)
    {
        if (!options.BalanceSources && !options.BalanceFamilies)
        {
            return;
        }
        var counts = new Dictionary<(string, bool), int>();
        var familyCounts = new Dictionary<string, int>();
        for (var i = 0; i < examples.Length; i++)
        {
            var family = documents[i].Family;
            var key = (family, examples[i].Label != 0);
            counts[key] = counts.GetValueOrDefault(key) + 1;
            familyCounts[family] = familyCounts.GetValueOrDefault(family) + 1;
        }
        var raw = new float[examples.Length];
        for (var i = 0; i < examples.Length; i++)
        {
            var family = documents[i].Family;
            var own = counts[(family, examples[i].Label != 0)];
            var familySize = familyCounts[family];
            var sides = counts.ContainsKey((family, true)) && counts.ContainsKey((family, false)) ? 2f : 1f;
            var withinFamily = options.BalanceSources ? familySize / (sides * own) : 1f;
            var acrossFamilies = options.BalanceFamilies ? examples.Length / ((float)familyCounts.Count * familySize) : 1f;
            raw[i] = Math.Min(options.MaxExampleWeight, withinFamily * acrossFamilies);
        }
        var mean = raw.Average();
        for (var i = 0; i < examples.Length; i++)
        {
            examples[i].Weight = raw[i] / mean;
        }
    }

    static long[] Widen(int[] values) => Array.ConvertAll(values, v => (long)v);

    static void Standardise(DetectorNetwork network, TrainingExample[] train)
    {
        for (var f = 0; f < network.DenseCount; f++)
        {
            double sum = 0, squares = 0;
            foreach (var e in train)
            {
                sum += e.Dense[f];
                squares += (double)e.Dense[f] * e.Dense[f];
            }
            var mean = sum / train.Length;
            var std = Math.Sqrt(Math.Max(squares / train.Length - mean * mean, 0));
            network.DenseMean[f] = (float)mean;
            network.DenseScale[f] = std < 1e-6 ? 1f : (float)(1 / std);
        }
    }

    internal static DetectorThresholds ChooseThresholds(float[][] probabilities, int[] labels)
    {
        var machine = probabilities.Select(p => 1.0 - p[0]).ToArray();
        var positive = labels.Select(l => l != 0).ToArray();
        var synthetic = RocMetrics.YoudenThreshold(machine, positive);
        var at1Pct = RocMetrics.ThresholdAtFpr(machine, positive, 0.01);

        // Mixed vs synthetic among machine-or-mixed documents: the share of non-human mass the model calls mixed.
        var share = new List<double>();
        var isMixed = new List<bool>();
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] != 0)
            {
                share.Add(probabilities[i][2] / Math.Max(1e-9, 1 - probabilities[i][0]));
                isMixed.Add(labels[i] == 2);
            }
        }
        var mixed = isMixed.Contains(true) && isMixed.Contains(false) ? RocMetrics.YoudenThreshold(share, isMixed) : 0.5;

        // Segment confidence: "confidently machine" is the 1%-FPR point; "confidently human" is where at most 5%
        // of machine-or-mixed documents score lower.
        var machineScores = machine.Where((_, i) => positive[i]).Order().ToArray();
        var segmentHuman = machineScores.Length == 0 ? 0.1 : machineScores[(int)(0.05 * (machineScores.Length - 1))];
        var segmentMachine = double.IsFinite(at1Pct) ? at1Pct : 0.9;
        segmentHuman = Math.Min(segmentHuman, synthetic);
        segmentMachine = Math.Max(segmentMachine, synthetic);
        return new DetectorThresholds(Round(synthetic), Round(mixed), Round(segmentHuman), Round(segmentMachine), Round(at1Pct));
    }

    static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 6) : value;

    internal static MetricsSummary Summarise(float[][] probabilities, int[] labels, DetectorThresholds thresholds)
    {
        var machine = probabilities.Select(p => 1.0 - p[0]).ToArray();
        var positive = labels.Select(l => l != 0).ToArray();
        var predicted = probabilities.Select(p => (int)DetectorDecision.Classify(p[0], p[2], thresholds)).ToArray();
        return new MetricsSummary(labels.Length,
            Math.Round(RocMetrics.Auroc(machine, positive), 6),
            Math.Round(RocMetrics.TprAtFpr(machine, positive, 0.01), 6),
            Math.Round(predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length, 6),
            Math.Round(ClassMetrics.MacroF1(predicted, labels, DetectorNetwork.Classes), 6));
    }
}

/// <summary>A network trained in memory, its ONNX bytes, and what its manifest needs.</summary>
internal sealed record FittedDetector(DetectorNetwork Network, byte[] Onnx, DetectorThresholds Thresholds, MetricsSummary Validation,
    int TrainDocuments, int ValidationDocuments, int BestEpoch, int Epochs)
{
    public ModelManifest Manifest(TrainingOptions options, string corpus, string corpusDigest, TimeSpan duration) => new()
    {
        Name = options.ModelName,
        Version = options.ModelVersion,
        Created = DateTimeOffset.UtcNow,
        Labels = DetectorNetwork.Labels,
        Features = options.Features,
        DenseFeatures = DetectorNetwork.DenseNames(options.Features).ToArray(),
        Network = new NetworkShape(Network.Dim, options.Features.NgramBuckets, Network.Hidden, "float16",
            [DetectorGraph.NgramIds, DetectorGraph.NgramWeights, DetectorGraph.LmWords, DetectorGraph.LmContexts,
             DetectorGraph.LmPairs, DetectorGraph.LmMask, DetectorGraph.Style], DetectorGraph.Probabilities),
        Thresholds = Thresholds,
        Training = new TrainingRecord(corpus, corpusDigest, TrainDocuments, ValidationDocuments,
            options.Seed, Epochs, BestEpoch, Math.Round(duration.TotalSeconds, 1),
            (Network.Dim > 0 ? $"online; embedding row-wise Adagrad lr {options.EmbeddingLearningRate} with n-gram dropout {options.NgramDropout}, " : "online; no n-gram bag, ")
            + $"dense Adam lr {options.DenseLearningRate}, linear decay, weight averaging from epoch {options.AverageFromEpoch}, "
            + $"human/machine balanced within families {options.BalanceSources}, families balanced {options.BalanceFamilies}, "
            + $"{options.AugmentedCopies} augmented variant(s) per text, early stopping on validation AUROC (patience {options.Patience}), "
            + (options.ThresholdsFromHeldOutFamilies ? "verdict thresholds on held-out families" : "verdict thresholds on validation")),
        Metrics = new Dictionary<string, MetricsSummary> { ["validation"] = Validation },
        ModelSha256 = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Onnx)),
    };
}

/// <summary>A featurized training document; <see cref="Dense"/> is filled once the language model exists.</summary>
internal sealed record TrainingExample(int[] Ngrams, int[] Words, int[] Contexts, int[] Pairs, float[] Style, int Label)
{
    public float[] Dense { get; set; } = [];

    /// <summary>Loss weight (1 unless sources are balanced).</summary>
    public float Weight { get; set; } = 1f;
}
