using System.Text.Json;
using System.Text.Json.Serialization;
using Provenance.Detector.Evaluation;
using Provenance.Detector.Features;

namespace Provenance.Detector.Modeling;

/// <summary>
/// Everything needed to use and judge a detector model besides its weights: label order, the feature config
/// the weights are addressed by, decision thresholds, what it was trained on and how well it did.
/// </summary>
public sealed record ModelManifest
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required IReadOnlyList<string> Labels { get; init; }
    public required FeatureConfig Features { get; init; }
    public required IReadOnlyList<string> DenseFeatures { get; init; }
    public required NetworkShape Network { get; init; }
    public required DetectorThresholds Thresholds { get; init; }
    public required TrainingRecord Training { get; init; }

    /// <summary>Figures by data split ("validation" is the held-out slice of train; "dev" is filled by evaluation).</summary>
    public required IReadOnlyDictionary<string, MetricsSummary> Metrics { get; init; }

    /// <summary>
    /// Leave-one-family-out figures at <see cref="Thresholds"/>: each family scored by a model trained without it.
    /// The thresholds were chosen on these scores (<see cref="VerdictCalibration"/>); null for models before 2.0.0.
    /// </summary>
    public IReadOnlyList<FamilyVerdictMetrics>? HeldOutFamilies { get; init; }

    /// <summary>
    /// The same families, each with thresholds chosen without it: what a family unlike any held-out one should expect.
    /// </summary>
    public IReadOnlyList<FamilyVerdictMetrics>? HeldOutFamiliesNested { get; init; }

    /// <summary>The error limits the thresholds were chosen to keep on every held-out family.</summary>
    public VerdictTargets? Targets { get; init; }

    /// <summary>SHA-256 of the ONNX file this manifest describes.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>"name@version", the form recorded in evidence.</summary>
    [JsonIgnore]
    public string ModelId => $"{Name}@{Version}";

    public string ToJson() => JsonSerializer.Serialize(this, ManifestJsonContext.Default.ModelManifest);

    public static ModelManifest FromJson(string json) =>
        JsonSerializer.Deserialize(json, ManifestJsonContext.Default.ModelManifest)
        ?? throw new InvalidDataException("The model manifest is empty.");
}

public sealed record NetworkShape(int EmbeddingDim, int NgramBuckets, int Hidden, string EmbeddingPrecision, IReadOnlyList<string> Inputs, string Output);

/// <summary>
/// Decision thresholds on p_synthetic (= 1 - p_human, "not purely human"). Between <see cref="HumanBelow"/> and
/// <see cref="Synthetic"/> the detector abstains (class unknown).
/// </summary>
/// <param name="Synthetic">A document is machine-or-mixed when p_synthetic is at least this.</param>
/// <param name="Mixed">A machine-or-mixed document is "mixed" when p_mixed / p_synthetic is at least this.</param>
/// <param name="SegmentHuman">A segment is confidently human when its p_synthetic is at most this.</param>
/// <param name="SegmentMachine">A segment is confidently machine-written when its p_synthetic is at least this.</param>
/// <param name="SyntheticAt1PctFpr">The p_synthetic threshold that flagged at most 1% of human validation documents.</param>
/// <param name="Human">
/// A document is human when p_synthetic is below this. Null (models before 2.0.0) means <paramref name="Synthetic"/>:
/// no abstention band, every document below the synthetic threshold is human.
/// </param>
public sealed record DetectorThresholds(double Synthetic, double Mixed, double SegmentHuman, double SegmentMachine, double SyntheticAt1PctFpr,
    double? Human = null)
{
    /// <summary>The p_synthetic below which a document is called human.</summary>
    [JsonIgnore]
    public double HumanBelow => Math.Min(Human ?? Synthetic, Synthetic);
}

public sealed record TrainingRecord(
    string Corpus, string CorpusSha256, int Documents, int ValidationDocuments, int Seed, int Epochs, int BestEpoch,
    double DurationSeconds, string Optimiser);

public sealed record MetricsSummary(int Documents, double Auroc, double TprAt1PctFpr, double Accuracy, double MacroF1);

[JsonSerializable(typeof(ModelManifest))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
