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

    internal void Validate()
    {
        if (MaxBatch < 1)
        {
            throw new ArgumentException($"Detector MaxBatch must be at least 1 (got {MaxBatch}).");
        }
        if (IntraOpThreads < 0 || FeaturizerThreads < 0)
        {
            throw new ArgumentException("Detector thread counts cannot be negative.");
        }
    }
}
