using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Provenance.Detector.Scoring;
using Provenance.Detector.ThirdParty;

namespace Provenance.Detector.ZeroShot;

/// <summary>
/// A Hugging Face causal language model exported to ONNX the way
/// <c>optimum-cli export onnx --model &lt;id&gt; --task text-generation &lt;dir&gt;</c> writes it: model.onnx (its weights
/// perhaps in model.onnx_data), config.json and the tokenizer files. It takes input_ids and attention_mask (and
/// position_ids when the export has them), int64, and gives logits [batch, tokens, vocabulary] for every position.
/// Thread-safe.
/// </summary>
public sealed class CausalLanguageModel : IDisposable
{
    const string InputIds = "input_ids";
    const string AttentionMask = "attention_mask";
    const string PositionIds = "position_ids";
    const string Logits = "logits";

    /// <summary>optimum names the graph model.onnx; releases before 1.14 named the graph without past decoder_model.onnx.</summary>
    static readonly string[] ModelFiles = ["model.onnx", "decoder_model.onnx"];

    readonly InferenceSession _session;
    readonly bool _takesMask;
    readonly TensorElementType _logitsType;

    CausalLanguageModel(string directory, string modelPath, string name, DetectorOptions options, ILogger logger)
    {
        Directory = directory;
        Name = name;
        Tokenizer = HuggingFaceTokenizerFolder.Load(directory);
        (_session, ExecutionProvider) = ExecutionProviders.CreateSession(modelPath, options, logger, name);
        try
        {
            (_takesMask, TakesPositionIds, _logitsType, VocabularySize) = Inspect(_session, modelPath, directory);
            var largest = Tokenizer.Vocabulary is { Count: > 0 } vocabulary ? vocabulary.Values.Max() : -1;
            if (largest >= VocabularySize)
            {
                throw new InvalidDataException(
                    $"The tokenizer in {directory} has token id {largest}, but {modelPath} gives logits for {VocabularySize} tokens: the tokenizer files belong to another model.");
            }
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Short name recorded in model ids, e.g. "qwen2.5-0.5b".</summary>
    public string Name { get; }

    public string Directory { get; }

    /// <summary>Entries per position in the logits (may exceed the tokenizer's vocabulary: Qwen2.5 pads it to 151,936).</summary>
    public int VocabularySize { get; }

    /// <summary>The execution provider actually in use (after any fallback).</summary>
    public string ExecutionProvider { get; }

    public bool TakesPositionIds { get; }

    internal ModelTokenizer Tokenizer { get; }

    /// <summary>Loads the exported model in <paramref name="directory"/>.</summary>
    /// <param name="name">Short name for model ids; null reads it from config.json (_name_or_path), else the folder name.</param>
    public static CausalLanguageModel Load(string directory, DetectorOptions? options = null, ILogger? logger = null, string? name = null)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"No language model folder at {directory}.");
        }
        var full = Path.GetFullPath(directory);
        var modelPath = ModelFiles.Select(f => Path.Combine(full, f)).FirstOrDefault(File.Exists);
        if (modelPath is null)
        {
            var found = System.IO.Directory.GetFiles(full, "*.onnx").Select(Path.GetFileName).ToArray();
            throw new FileNotFoundException(found.Length == 0
                ? $"{full} has no model.onnx. Export the model with: optimum-cli export onnx --model <id> --task text-generation {directory}"
                : $"{full} has {string.Join(", ", found)} but no model.onnx; these look like an export with past key values. "
                    + $"Export the model again with: optimum-cli export onnx --model <id> --task text-generation {directory}");
        }
        options ??= new DetectorOptions();
        options.Validate();
        return new CausalLanguageModel(full, modelPath, name ?? NameFromConfig(full), options, logger ?? NullLogger.Instance);
    }

    static (bool TakesMask, bool TakesPositions, TensorElementType LogitsType, int Vocabulary) Inspect(InferenceSession session, string modelPath, string directory)
    {
        var inputs = session.InputMetadata.Keys.ToArray();
        var past = inputs.Where(n => n.StartsWith("past", StringComparison.Ordinal) || n == "use_cache_branch").ToArray();
        if (past.Length > 0)
        {
            throw new InvalidDataException(
                $"{modelPath} takes past key values ({string.Join(", ", past.Take(3))}{(past.Length > 3 ? ", ..." : "")}), which scoring whole texts does not use. "
                + $"Export the model without them: optimum-cli export onnx --model <id> --task text-generation {directory}");
        }
        var unexpected = inputs.Except([InputIds, AttentionMask, PositionIds]).ToArray();
        if (!inputs.Contains(InputIds) || unexpected.Length > 0 || !session.OutputMetadata.TryGetValue(Logits, out var logits))
        {
            throw new InvalidDataException(
                $"{modelPath} must take {InputIds} (and optionally {AttentionMask}, {PositionIds}) and produce {Logits}; "
                + $"it takes [{string.Join(", ", inputs)}] and produces [{string.Join(", ", session.OutputMetadata.Keys)}].");
        }
        foreach (var input in inputs)
        {
            if (session.InputMetadata[input].ElementDataType != TensorElementType.Int64)
            {
                throw new InvalidDataException($"{modelPath}: input {input} is {session.InputMetadata[input].ElementDataType}; optimum exports int64.");
            }
        }
        if (logits.ElementDataType is not (TensorElementType.Float or TensorElementType.Float16 or TensorElementType.BFloat16))
        {
            throw new InvalidDataException($"{modelPath}: {Logits} are {logits.ElementDataType}; expected float, float16 or bfloat16.");
        }
        var dims = logits.Dimensions;
        var vocabulary = dims.Length == 3 && dims[2] > 0 ? dims[2] : VocabularyFromConfig(directory);
        if (dims.Length != 3 || vocabulary is not > 0)
        {
            throw new InvalidDataException(
                $"{modelPath}: {Logits} must be [batch, tokens, vocabulary] with a known vocabulary size (or config.json vocab_size); it is [{string.Join(", ", dims)}].");
        }
        return (inputs.Contains(AttentionMask), inputs.Contains(PositionIds), logits.ElementDataType, vocabulary.Value);
    }

    static JsonElement? ReadConfig(string directory)
    {
        var path = Path.Combine(directory, HuggingFaceTokenizerFolder.ModelConfig);
        if (!File.Exists(path))
        {
            return null;
        }
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        return document.RootElement.Clone();
    }

    static int? VocabularyFromConfig(string directory) =>
        ReadConfig(directory) is { } config && config.TryGetProperty("vocab_size", out var size) && size.ValueKind == JsonValueKind.Number
            ? size.GetInt32()
            : null;

    static string NameFromConfig(string directory)
    {
        var name = ReadConfig(directory) is { } config && config.TryGetProperty("_name_or_path", out var n) && n.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(n.GetString())
            ? n.GetString()!
            : directory;
        // "Qwen/Qwen2.5-0.5B" or "/models/qwen" → "qwen2.5-0.5b" / "qwen": the last path segment, lower case.
        return name.TrimEnd('/', '\\').Split('/', '\\')[^1].ToLowerInvariant();
    }

    /// <summary>
    /// Runs one right-padded batch. Every position attends only to itself and earlier positions, so padding after a
    /// row's last token cannot change that row's logits; the mask says so as well for exports that read it.
    /// </summary>
    internal BatchLogits Run(IReadOnlyList<IReadOnlyList<int>> rows)
    {
        var width = Math.Max(1, rows.Max(r => r.Count));
        var size = rows.Count * width;
        var ids = new long[size];
        var mask = new long[size];
        var positions = new long[size];
        Array.Fill(ids, Tokenizer.PadId);
        for (var row = 0; row < rows.Count; row++)
        {
            var tokens = rows[row];
            for (var t = 0; t < width; t++)
            {
                positions[row * width + t] = t;
                if (t < tokens.Count)
                {
                    ids[row * width + t] = tokens[t];
                    mask[row * width + t] = 1;
                }
            }
        }
        long[] shape = [rows.Count, width];
        var names = new List<string>(3) { InputIds };
        var values = new List<OrtValue>(3) { OrtValue.CreateTensorValueFromMemory(ids, shape) };
        try
        {
            if (_takesMask)
            {
                names.Add(AttentionMask);
                values.Add(OrtValue.CreateTensorValueFromMemory(mask, shape));
            }
            if (TakesPositionIds)
            {
                names.Add(PositionIds);
                values.Add(OrtValue.CreateTensorValueFromMemory(positions, shape));
            }
            using var runOptions = new RunOptions();
            var outputs = _session.Run(runOptions, names, values, [Logits]);
            var dims = outputs[0].GetTensorTypeAndShape().Shape;
            if (dims.Length != 3 || dims[0] != rows.Count || dims[1] != width || dims[2] != VocabularySize)
            {
                outputs.Dispose();
                throw new InvalidDataException($"{Name} gave logits [{string.Join(", ", dims)}] for a [{rows.Count}, {width}] batch; expected [{rows.Count}, {width}, {VocabularySize}].");
            }
            return new BatchLogits(outputs, _logitsType, width, VocabularySize);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>
/// The logits of one batch, read in place from ONNX Runtime's output: a vocabulary-sized row at a time, so the
/// B × T × V tensor is never copied. Half-precision rows are widened into a caller's buffer.
/// </summary>
internal sealed class BatchLogits(IDisposableReadOnlyCollection<OrtValue> outputs, TensorElementType type, int width, int vocabulary) : IDisposable
{
    public int Vocabulary => vocabulary;

    /// <summary>The logits at (<paramref name="row"/>, <paramref name="position"/>); <paramref name="scratch"/> (vocabulary floats) holds widened half-precision values.</summary>
    public ReadOnlySpan<float> At(int row, int position, Span<float> scratch)
    {
        var start = ((long)row * width + position) * vocabulary;
        switch (type)
        {
            case TensorElementType.Float:
                return outputs[0].GetTensorDataAsSpan<float>().Slice((int)start, vocabulary);
            case TensorElementType.Float16:
                var halves = MemoryMarshal.Cast<Float16, Half>(outputs[0].GetTensorDataAsSpan<Float16>().Slice((int)start, vocabulary));
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(halves, scratch);
                return scratch[..vocabulary];
            default:
                var bits = MemoryMarshal.Cast<BFloat16, ushort>(outputs[0].GetTensorDataAsSpan<BFloat16>().Slice((int)start, vocabulary));
                for (var i = 0; i < bits.Length; i++)
                {
                    // bfloat16 is the upper half of an IEEE single.
                    scratch[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                }
                return scratch[..vocabulary];
        }
    }

    public void Dispose() => outputs.Dispose();
}
