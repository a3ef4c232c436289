using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;

namespace Provenance.Detector.ThirdParty;

/// <summary>
/// Scores texts with a third-party Hugging Face sequence classifier exported to ONNX, with the same contract as
/// the shipped detector (batched by token length, GPU provider with CPU fallback, thresholds, class).
/// </summary>
public sealed class HuggingFaceDetector : ITextDetector
{
    const string InputIds = "input_ids";
    const string AttentionMask = "attention_mask";
    const string TokenTypeIds = "token_type_ids";
    const string Logits = "logits";

    readonly InferenceSession _session;
    readonly ModelTokenizer _tokenizer;
    readonly HuggingFaceModelConfig _config;
    readonly DetectorOptions _options;
    readonly int _human;
    readonly int? _mixed;
    readonly bool _needsTokenTypes;

    HuggingFaceDetector(HuggingFaceModelConfig config, string directory, DetectorOptions options, ILogger logger)
    {
        options.Validate();
        _config = config;
        _options = options;
        _human = IndexOf(config.HumanLabel, nameof(config.HumanLabel));
        _mixed = config.MixedLabel is { } m ? IndexOf(m, nameof(config.MixedLabel)) : null;
        _tokenizer = ModelTokenizer.Create(config.Tokenizer, directory);
        var modelPath = Path.Combine(directory, config.Model);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"{HuggingFaceModelConfig.FileName} names model {config.Model}, which is not in {directory}.", modelPath);
        }
        (_session, ExecutionProvider) = ExecutionProviders.CreateSession(File.ReadAllBytes(modelPath), options, logger, ModelId);
        if (!_session.InputMetadata.ContainsKey(InputIds) || !_session.InputMetadata.ContainsKey(AttentionMask) || !_session.OutputMetadata.ContainsKey(Logits))
        {
            var inputs = string.Join(", ", _session.InputMetadata.Keys);
            var outputs = string.Join(", ", _session.OutputMetadata.Keys);
            _session.Dispose();
            throw new InvalidDataException($"{modelPath} must take {InputIds} and {AttentionMask} and produce {Logits}; it takes [{inputs}] and produces [{outputs}].");
        }
        _needsTokenTypes = _session.InputMetadata.ContainsKey(TokenTypeIds);
    }

    public string ModelId => $"{_config.Name}@{_config.Version}";

    public DetectorThresholds Thresholds => _config.Thresholds;

    public string ExecutionProvider { get; }

    /// <summary>Loads a model from a folder holding detector.json, or from the path of that config file.</summary>
    public static HuggingFaceDetector Load(string path, DetectorOptions? options = null, ILogger? logger = null)
    {
        var configPath = Directory.Exists(path) ? Path.Combine(path, HuggingFaceModelConfig.FileName) : path;
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"No {HuggingFaceModelConfig.FileName} at {configPath}.", configPath);
        }
        var config = HuggingFaceModelConfig.FromJson(File.ReadAllText(configPath));
        return new HuggingFaceDetector(config, Path.GetDirectoryName(Path.GetFullPath(configPath))!, options ?? new DetectorOptions(),
            logger ?? NullLogger.Instance);
    }

    public IReadOnlyList<TextScore> Score(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var encoded = new IReadOnlyList<int>[texts.Count];
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = _options.EffectiveFeaturizerThreads, CancellationToken = ct },
            i => encoded[i] = _tokenizer.Encode(texts[i] ?? "", _config.MaxLength));

        var scores = new TextScore[texts.Count];
        foreach (var batch in LengthBatcher.Plan(encoded.Select(e => e.Count).ToArray(), _options.MaxBatch))
        {
            ct.ThrowIfCancellationRequested();
            var logits = Run(batch, encoded, out var classes);
            for (var i = 0; i < batch.Length; i++)
            {
                var probabilities = Softmax(logits.AsSpan(i * classes, classes));
                var pMixed = _mixed is { } m ? probabilities[m] : 0f;
                scores[batch[i]] = TextScore.FromProbabilities(probabilities[_human], pMixed, Thresholds);
            }
        }
        return scores;
    }

    float[] Run(int[] batch, IReadOnlyList<int>[] encoded, out int classes)
    {
        var width = Math.Max(1, batch.Max(i => encoded[i].Count));
        var ids = new long[batch.Length * width];
        var mask = new long[batch.Length * width];
        Array.Fill(ids, _tokenizer.PadId);
        for (var row = 0; row < batch.Length; row++)
        {
            var tokens = encoded[batch[row]];
            for (var t = 0; t < tokens.Count; t++)
            {
                ids[row * width + t] = tokens[t];
                mask[row * width + t] = 1;
            }
        }
        long[] shape = [batch.Length, width];
        var names = new List<string> { InputIds, AttentionMask };
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = _needsTokenTypes ? OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape) : null;
        var values = new List<OrtValue> { idsValue, maskValue };
        if (typesValue is not null)
        {
            names.Add(TokenTypeIds);
            values.Add(typesValue);
        }
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, names, values, [Logits]);
        var output = outputs[0];
        var dims = output.GetTensorTypeAndShape().Shape;
        classes = (int)dims[^1];
        if (classes != _config.Labels.Count)
        {
            throw new InvalidDataException($"{ModelId} produces {classes} logits but its config names {_config.Labels.Count} labels.");
        }
        return output.GetTensorDataAsSpan<float>().ToArray();
    }

    static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var probabilities = new float[logits.Length];
        DetectorNetwork.Softmax(logits, probabilities);
        return probabilities;
    }

    int IndexOf(string label, string setting)
    {
        for (var i = 0; i < _config.Labels.Count; i++)
        {
            if (string.Equals(_config.Labels[i], label, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        throw new InvalidDataException($"{setting} '{label}' is not one of the model's labels ({string.Join(", ", _config.Labels)}).");
    }

    public void Dispose() => _session.Dispose();
}
