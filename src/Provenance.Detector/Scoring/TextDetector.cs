using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Provenance.Detector.Features;
using Provenance.Detector.Modeling;

namespace Provenance.Detector.Scoring;

/// <summary>
/// Scores texts with a Provenance detector model (by default the shipped one) on ONNX Runtime. Texts are
/// batched by length, featurized in parallel, and each batch is one session run. Thread-safe.
/// </summary>
public sealed class TextDetector : ITextDetector
{
    static readonly string[] InputNames =
    [
        DetectorGraph.NgramIds, DetectorGraph.NgramWeights, DetectorGraph.LmWords, DetectorGraph.LmContexts,
        DetectorGraph.LmPairs, DetectorGraph.LmMask, DetectorGraph.Style,
    ];

    static readonly string[] OutputNames = [DetectorGraph.Probabilities];

    readonly InferenceSession _session;
    readonly DetectorOptions _options;
    readonly ConcurrentBag<BatchBuffers> _buffers = new();
    readonly ConcurrentBag<DocumentFeaturizer> _featurizers = new();

    TextDetector(byte[] model, ModelManifest manifest, DetectorOptions options, ILogger logger)
    {
        options.Validate();
        manifest.Features.Validate();
        _options = options;
        Manifest = manifest;
        (_session, ExecutionProvider) = ExecutionProviders.CreateSession(model, options, logger, manifest.ModelId);
        var missing = InputNames.Where(n => !_session.InputMetadata.ContainsKey(n)).ToArray();
        if (missing.Length > 0 || !_session.OutputMetadata.ContainsKey(DetectorGraph.Probabilities))
        {
            _session.Dispose();
            throw new InvalidDataException(
                $"Model {manifest.ModelId} is not a Provenance detector graph (missing {string.Join(", ", missing.Append(DetectorGraph.Probabilities))}). "
                + "Third-party classifiers load with HuggingFaceDetector.");
        }
    }

    public ModelManifest Manifest { get; }

    public string ModelId => Manifest.ModelId;

    public DetectorThresholds Thresholds => Manifest.Thresholds;

    public string ExecutionProvider { get; }

    /// <summary>The shipped model, or <see cref="DetectorOptions.ModelPath"/> when it is set.</summary>
    public static TextDetector Load(DetectorOptions? options = null, ILogger? logger = null)
    {
        options ??= new DetectorOptions();
        logger ??= NullLogger.Instance;
        if (options.ModelPath is { } path)
        {
            return Load(path, options, logger);
        }
        return new TextDetector(DefaultModel.ReadModel(), DefaultModel.Manifest, options, logger);
    }

    /// <summary>A model held in memory, e.g. one just built by a test.</summary>
    internal static TextDetector Create(byte[] model, ModelManifest manifest, DetectorOptions? options = null, ILogger? logger = null) =>
        new(model, manifest, options ?? new DetectorOptions(), logger ?? NullLogger.Instance);

    /// <summary>A model file written by <c>DetectorTrainer</c>, with its manifest beside it (or at <see cref="DetectorOptions.ManifestPath"/>).</summary>
    public static TextDetector Load(string modelPath, DetectorOptions? options = null, ILogger? logger = null)
    {
        options ??= new DetectorOptions();
        var manifestPath = options.ManifestPath ?? Path.ChangeExtension(modelPath, null) + ".manifest.json";
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Detector model {modelPath} does not exist.", modelPath);
        }
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"Detector model {modelPath} has no manifest at {manifestPath}.", manifestPath);
        }
        var model = File.ReadAllBytes(modelPath);
        var manifest = ModelManifest.FromJson(File.ReadAllText(manifestPath));
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(model));
        if (!string.Equals(digest, manifest.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{manifestPath} describes a different model file than {modelPath} (digest {digest}, manifest {manifest.ModelSha256}).");
        }
        return new TextDetector(model, manifest, options, logger ?? NullLogger.Instance);
    }

    public IReadOnlyList<TextScore> Score(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var probabilities = Probabilities(texts, ct);
        var scores = new TextScore[texts.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = TextScore.FromProbabilities(probabilities[i * 3], probabilities[i * 3 + 2], Thresholds);
        }
        return scores;
    }

    /// <summary>Raw class probabilities, [texts, 3] in label order (human, synthetic, mixed).</summary>
    public float[] Probabilities(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var result = new float[texts.Count * DetectorNetwork.Classes];
        var lengths = new int[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            lengths[i] = texts[i]?.Length ?? 0;
        }
        var work = _buffers.TryTake(out var b) ? b : new BatchBuffers(_options.MaxBatch);
        try
        {
            foreach (var batch in LengthBatcher.Plan(lengths, _options.MaxBatch))
            {
                ct.ThrowIfCancellationRequested();
                RunBatch(texts, batch, work, result, ct);
            }
        }
        finally
        {
            _buffers.Add(work);
        }
        return result;
    }

    void RunBatch(IReadOnlyList<string> texts, int[] batch, BatchBuffers work, float[] result, CancellationToken ct)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.EffectiveFeaturizerThreads, CancellationToken = ct };
        Parallel.For(0, batch.Length, parallel, RentFeaturizer, (i, _, featurizer) =>
        {
            featurizer.Featurize(texts[batch[i]] ?? "");
            work.Documents[i].CopyFrom(featurizer);
            return featurizer;
        }, _featurizers.Add);

        var ngramWidth = 0;
        var tokenWidth = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            ngramWidth = Math.Max(ngramWidth, work.Documents[i].NgramCount);
            tokenWidth = Math.Max(tokenWidth, work.Documents[i].TokenCount);
        }
        var features = work.Features;
        features.Reset(batch.Length, ngramWidth, tokenWidth);
        for (var i = 0; i < batch.Length; i++)
        {
            features.Set(i, work.Documents[i]);
        }

        var probabilities = Run(features);
        for (var i = 0; i < batch.Length; i++)
        {
            probabilities.AsSpan(i * DetectorNetwork.Classes, DetectorNetwork.Classes)
                .CopyTo(result.AsSpan(batch[i] * DetectorNetwork.Classes, DetectorNetwork.Classes));
        }
    }

    DocumentFeaturizer RentFeaturizer() => _featurizers.TryTake(out var f) ? f : new DocumentFeaturizer(Manifest.Features);

    /// <summary>Runs the graph on a packed batch: probabilities [batch, 3].</summary>
    internal float[] Run(FeatureBatch batch)
    {
        long size = batch.Size, ngrams = batch.NgramWidth, tokens = batch.TokenWidth;
        var memory = OrtMemoryInfo.DefaultInstance;
        using var ngramIds = OrtValue.CreateTensorValueFromMemory(memory, batch.NgramIds.AsMemory(0, (int)(size * ngrams)), [size, ngrams]);
        using var ngramWeights = OrtValue.CreateTensorValueFromMemory(memory, batch.NgramWeights.AsMemory(0, (int)(size * ngrams)), [size, ngrams]);
        using var lmWords = OrtValue.CreateTensorValueFromMemory(memory, batch.LmWords.AsMemory(0, (int)(size * tokens)), [size, tokens]);
        using var lmContexts = OrtValue.CreateTensorValueFromMemory(memory, batch.LmContexts.AsMemory(0, (int)(size * tokens)), [size, tokens]);
        using var lmPairs = OrtValue.CreateTensorValueFromMemory(memory, batch.LmPairs.AsMemory(0, (int)(size * tokens)), [size, tokens]);
        using var lmMask = OrtValue.CreateTensorValueFromMemory(memory, batch.LmMask.AsMemory(0, (int)(size * tokens)), [size, tokens]);
        using var style = OrtValue.CreateTensorValueFromMemory(memory, batch.Style.AsMemory(0, (int)size * StyleStatistics.Count), [size, StyleStatistics.Count]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, InputNames, [ngramIds, ngramWeights, lmWords, lmContexts, lmPairs, lmMask, style], OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();

    sealed class BatchBuffers(int maxBatch)
    {
        public readonly DocumentFeatures[] Documents = Enumerable.Range(0, maxBatch).Select(_ => new DocumentFeatures()).ToArray();
        public readonly FeatureBatch Features = new();
    }
}
