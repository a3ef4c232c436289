using System.Text.Json;
using System.Text.Json.Serialization;
using Provenance.Detector.Modeling;

namespace Provenance.Detector.ThirdParty;

/// <summary>
/// Describes a Hugging Face sequence-classification model exported to ONNX (inputs input_ids and attention_mask,
/// int64; output logits) so it can score texts like the shipped detector. Lives as detector.json next to the model.
/// </summary>
public sealed record HuggingFaceModelConfig
{
    public const string FileName = "detector.json";

    public string Name { get; init; } = "hf-classifier";

    public string Version { get; init; } = "1";

    /// <summary>The ONNX file, relative to the config.</summary>
    public string Model { get; init; } = "model.onnx";

    /// <summary>Label names in logit order (the model's id2label).</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>The label that means human-written; every other label counts as machine-or-mixed.</summary>
    public required string HumanLabel { get; init; }

    /// <summary>The label that means mixed authorship, if the model has one.</summary>
    public string? MixedLabel { get; init; }

    /// <summary>Tokens per text including special tokens; longer texts are truncated.</summary>
    public int MaxLength { get; init; } = 512;

    public required TokenizerConfig Tokenizer { get; init; }

    /// <summary>Decision thresholds; the defaults treat the model's probabilities as calibrated.</summary>
    public DetectorThresholds Thresholds { get; init; } = new(0.5, 0.5, 0.2, 0.8, 0.5);

    public static HuggingFaceModelConfig FromJson(string json) =>
        JsonSerializer.Deserialize(json, HuggingFaceJsonContext.Default.HuggingFaceModelConfig)
        ?? throw new InvalidDataException("The detector config is empty.");

    public string ToJson() => JsonSerializer.Serialize(this, HuggingFaceJsonContext.Default.HuggingFaceModelConfig);
}

/// <summary>Which tokenizer the model was trained with, and its files (relative to the config).</summary>
public sealed record TokenizerConfig
{
    /// <summary>"wordpiece" (BERT vocab.txt), "bpe" (vocab.json + merges.txt), "tiktoken" or "sentencepiece".</summary>
    public required string Type { get; init; }

    /// <summary>vocab.txt for wordpiece, vocab.json for bpe.</summary>
    public string? Vocab { get; init; }

    /// <summary>merges.txt for bpe.</summary>
    public string? Merges { get; init; }

    /// <summary>A SentencePiece .model file.</summary>
    public string? File { get; init; }

    /// <summary>A tiktoken encoding, e.g. "o200k_base" (the default).</summary>
    public string? Encoding { get; init; }

    /// <summary>WordPiece: lowercase before tokenizing (uncased BERT models).</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>BPE: GPT-2/RoBERTa byte-level BPE (true) or character BPE split on whitespace (false).</summary>
    public bool ByteLevel { get; init; } = true;

    /// <summary>BPE/SentencePiece: token put first (e.g. "&lt;s&gt;").</summary>
    public string? Bos { get; init; }

    /// <summary>BPE/SentencePiece: token put last (e.g. "&lt;/s&gt;").</summary>
    public string? Eos { get; init; }

    /// <summary>BPE: the unknown token, if the vocabulary has one.</summary>
    public string? Unknown { get; init; }

    /// <summary>Id used for padding; attention_mask hides it, so only its range matters.</summary>
    public int PadId { get; init; }
}

[JsonSerializable(typeof(HuggingFaceModelConfig))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
internal sealed partial class HuggingFaceJsonContext : JsonSerializerContext;
