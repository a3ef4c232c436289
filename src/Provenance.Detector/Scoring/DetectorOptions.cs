namespace Provenance.Detector.Scoring;

/// <summary>
/// How a detector runs: the <c>Detector</c> configuration section where a host binds it; the defaults suit a CPU host.
/// </summary>
public sealed record DetectorOptions
{
    public const string Section = "Detector";

    /// <summary>"cpu", "cuda" or "tensorrt". A GPU provider that cannot load falls back to CPU with a warning.</summary>
    public string ExecutionProvider { get; init; } = "cpu";

    /// <summary>GPU ordinal for cuda/tensorrt.</summary>
    public int DeviceId { get; init; }

    /// <summary>ONNX Runtime intra-op threads; 0 lets ONNX Runtime use one per core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Documents per ONNX Runtime call. Larger batches amortise the call; GPUs want 256 or more.</summary>
    public int MaxBatch { get; init; } = 128;

    /// <summary>Threads that featurize a batch; 0 means one per core.</summary>
    public int FeaturizerThreads { get; init; }

    /// <summary>An ONNX model file; null loads the shipped default model. Its manifest is expected beside it.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The manifest for <see cref="ModelPath"/>; null means &lt;model&gt;.manifest.json next to the model.</summary>
    public string? ManifestPath { get; init; }

    /// <summary>
    /// A zero-shot criterion on a causal language model, combined with the classifier (section "Detector:ZeroShot").
    /// Null, or no <see cref="ZeroShotOptions.Model"/>, keeps the classifier alone.
    /// </summary>
    public ZeroShotOptions? ZeroShot { get; init; }

    internal int EffectiveFeaturizerThreads => FeaturizerThreads > 0 ? FeaturizerThreads : Environment.ProcessorCount;

    /// <summary>
    /// What is wrong with these settings, each message naming its key in the <c>Detector</c> section; empty when they
    /// can load a detector. Hosts check this as they start, before the model loads; loading checks it again.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!ExecutionProviders.IsKnown(ExecutionProvider))
        {
            problems.Add($"{Section}:{nameof(ExecutionProvider)} is '{ExecutionProvider}'; use {ExecutionProviders.Cpu}, {ExecutionProviders.Cuda} or {ExecutionProviders.TensorRt}.");
        }
        if (DeviceId < 0)
        {
            problems.Add($"{Section}:{nameof(DeviceId)} is {DeviceId}; a GPU ordinal is 0 or more.");
        }
        if (MaxBatch < 1)
        {
            problems.Add($"{Section}:{nameof(MaxBatch)} is {MaxBatch}; it must be at least 1 (documents per ONNX Runtime call).");
        }
        if (IntraOpThreads < 0)
        {
            problems.Add($"{Section}:{nameof(IntraOpThreads)} is {IntraOpThreads}; it must be 0 (one per core) or more.");
        }
        if (FeaturizerThreads < 0)
        {
            problems.Add($"{Section}:{nameof(FeaturizerThreads)} is {FeaturizerThreads}; it must be 0 (one per core) or more.");
        }
        if (ZeroShot is { } zeroShot && !string.IsNullOrWhiteSpace(zeroShot.Model))
        {
            problems.AddRange(zeroShot.Problems());
            if (string.IsNullOrWhiteSpace(zeroShot.Rule))
            {
                problems.Add(
                    $"{ZeroShotOptions.Section}:{nameof(ZeroShotOptions.Rule)} must name the combination rule (JSON) fitted for this classifier and language model; "
                    + "without it there is no way to weigh the zero-shot score against the classifier.");
            }
        }
        return problems;
    }

    internal void Validate()
    {
        if (Problems() is [_, ..] problems)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }
}
