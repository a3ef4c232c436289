using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using Provenance.Detector.Onnx;

namespace Provenance.Detector.Tests.Support;

/// <summary>
/// A causal language model small enough to check by hand, written as an optimum export would be (model.onnx,
/// config.json, tokenizer files). Position t's logits are W·mean(embedding(x_0..x_t)) + bigram[x_t] + bias: the
/// running mean makes every position depend on the whole prefix and on nothing after it. <see cref="Logits"/> does
/// the same arithmetic in double precision, as the reference the tests compare against.
/// </summary>
internal sealed class TinyLanguageModel
{
    const int Dim = 3;

    /// <summary>
    /// A byte-level BPE vocabulary over the letters a-h and the space (Ġ): texts made of those letters tokenize
    /// completely, and the merges give words of several tokens.
    /// </summary>
    public static readonly string[] Tokens =
    [
        "<|endoftext|>", "Ġ", "a", "b", "c", "d", "e", "f", "g", "h",
        "Ġa", "Ġb", "Ġc", "Ġd", "Ġe", "Ġf", "Ġg", "Ġh", "ab", "cd", "ef", "Ġab", "Ġcd", "abcd", "Ġef", "gh", "Ġgh",
    ];

    static readonly string[] Merges =
    [
        "Ġ a", "Ġ b", "Ġ c", "Ġ d", "Ġ e", "Ġ f", "Ġ g", "Ġ h", "a b", "c d", "e f", "Ġa b", "Ġc d", "ab cd", "Ġe f", "g h", "Ġg h",
    ];

    readonly float[] _embedding;
    readonly float[] _output;
    readonly float[] _bias;
    readonly float[] _bigram;

    TinyLanguageModel(float[] embedding, float[] output, float[] bias, float[] bigram)
    {
        _embedding = embedding;
        _output = output;
        _bias = bias;
        _bigram = bigram;
    }

    /// <summary>Logits entries per position; <paramref name="extraVocabulary"/> pads it beyond the tokenizer's, as Qwen2.5 does.</summary>
    public int Vocabulary => _bias.Length;

    public static TinyLanguageModel Random(int seed, int extraVocabulary = 0)
    {
        var random = new Random(seed);
        var v = Tokens.Length + extraVocabulary;
        float[] Fill(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        return new TinyLanguageModel(Fill(v * Dim, 1.5), Fill(Dim * v, 1.5), Fill(v, 0.5), Fill(v * v, 2));
    }

    /// <summary>What a test folder should hold besides the graph.</summary>
    public sealed record Export
    {
        public bool PositionIds { get; init; }
        public bool Float16Logits { get; init; }
        public bool PastKeyValues { get; init; }

        /// <summary>"tokenizer.json" or "vocab.json" (with merges.txt).</summary>
        public string Tokenizer { get; init; } = "tokenizer.json";

        public bool AddBos { get; init; }
        public string Name { get; init; } = "tiny/Tiny-LM";

        /// <summary>Moves one token's id, making a vocabulary of the same size that disagrees with the others.</summary>
        public bool SwapFirstTwoLetters { get; init; }
    }

    public void Write(string directory, Export? export = null)
    {
        export ??= new Export();
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "model.onnx"), Graph(export));
        File.WriteAllText(Path.Combine(directory, "config.json"),
            JsonSerializer.Serialize(new Dictionary<string, object> { ["_name_or_path"] = export.Name, ["model_type"] = "tiny", ["vocab_size"] = Vocabulary }));
        var tokens = (string[])Tokens.Clone();
        if (export.SwapFirstTwoLetters)
        {
            (tokens[2], tokens[3]) = (tokens[3], tokens[2]);
        }
        var vocabulary = tokens.Select((t, i) => (t, i)).Where(p => p.t != "<|endoftext|>").ToDictionary(p => p.t, p => p.i);
        if (export.Tokenizer == "tokenizer.json")
        {
            var json = new Dictionary<string, object?>
            {
                ["version"] = "1.0",
                ["added_tokens"] = new[] { new Dictionary<string, object> { ["id"] = 0, ["content"] = "<|endoftext|>", ["special"] = true } },
                ["normalizer"] = null,
                ["pre_tokenizer"] = new Dictionary<string, object> { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = true },
                ["decoder"] = new Dictionary<string, object> { ["type"] = "ByteLevel" },
                ["model"] = new Dictionary<string, object> { ["type"] = "BPE", ["vocab"] = vocabulary, ["merges"] = Merges },
            };
            File.WriteAllText(Path.Combine(directory, "tokenizer.json"), JsonSerializer.Serialize(json));
        }
        else
        {
            File.WriteAllText(Path.Combine(directory, "vocab.json"), JsonSerializer.Serialize(vocabulary));
            File.WriteAllLines(Path.Combine(directory, "merges.txt"), ["#version: 0.2", .. Merges]);
        }
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["add_bos_token"] = export.AddBos,
            ["bos_token"] = "<|endoftext|>",
            ["eos_token"] = "<|endoftext|>",
            ["added_tokens_decoder"] = new Dictionary<string, object> { ["0"] = new Dictionary<string, object> { ["content"] = "<|endoftext|>", ["special"] = true } },
        }));
    }

    byte[] Graph(Export export)
    {
        var v = Vocabulary;
        var g = new OnnxGraphBuilder("tiny_causal_lm");
        g.Input("input_ids", TensorElementType.Int64, "batch_size", "sequence_length")
         .Input("attention_mask", TensorElementType.Int64, "batch_size", "sequence_length");
        if (export.PositionIds)
        {
            g.Input("position_ids", TensorElementType.Int64, "batch_size", "sequence_length");
        }
        if (export.PastKeyValues)
        {
            g.Input("past_key_values.0.key", TensorElementType.Float, "batch_size", 1, "past_sequence_length", 4)
             .Input("past_key_values.0.value", TensorElementType.Float, "batch_size", 1, "past_sequence_length", 4);
        }
        g.Output("logits", export.Float16Logits ? TensorElementType.Float16 : TensorElementType.Float, "batch_size", "sequence_length", v);

        var time = g.Initializer("time_axis", [1L]);
        var vectors = g.Node("Gather", [g.Initializer("embedding", _embedding, v, Dim), "input_ids"]);
        var running = g.Node("CumSum", [vectors, time]);
        // How many tokens the running sum holds: position + 1, from position_ids when the export has them, else from
        // the mask, whose running sum counts a row's real tokens.
        var count = export.PositionIds
            ? g.Node("Add", [g.Node("Cast", ["position_ids"], OnnxAttribute.Int("to", (long)TensorElementType.Float)), g.Constant(1f)])
            : g.Node("CumSum", [g.Node("Cast", ["attention_mask"], OnnxAttribute.Int("to", (long)TensorElementType.Float)), time]);
        var mean = g.Node("Div", [running, g.Node("Unsqueeze", [count, g.ConstantInt64(2)])]);
        var mixed = g.Node("MatMul", [mean, g.Initializer("output", _output, Dim, v)]);
        var pairs = g.Node("Gather", [g.Initializer("bigram", _bigram, v, v), "input_ids"]);
        var logits = g.Node("Add", [g.Node("Add", [mixed, pairs]), g.Initializer("bias", _bias, v)]);
        if (export.Float16Logits)
        {
            g.NodeNamed("Cast", [logits], "logits", OnnxAttribute.Int("to", (long)TensorElementType.Float16));
        }
        else
        {
            g.NodeNamed("Identity", [logits], "logits");
        }
        return g.ToBytes();
    }

    /// <summary>The model's logits for a token sequence, [position][vocabulary], in double precision.</summary>
    public double[][] Logits(IReadOnlyList<int> ids)
    {
        var v = Vocabulary;
        var sum = new double[Dim];
        var result = new double[ids.Count][];
        for (var t = 0; t < ids.Count; t++)
        {
            for (var d = 0; d < Dim; d++)
            {
                sum[d] += _embedding[ids[t] * Dim + d];
            }
            var row = new double[v];
            for (var j = 0; j < v; j++)
            {
                var value = (double)_bias[j] + _bigram[ids[t] * v + j];
                for (var d = 0; d < Dim; d++)
                {
                    value += sum[d] / (t + 1) * _output[d * v + j];
                }
                row[j] = value;
            }
            result[t] = row;
        }
        return result;
    }

    /// <summary>log softmax of one row, in double precision.</summary>
    public static double[] LogSoftmax(double[] logits)
    {
        var max = logits.Max();
        var logZ = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        return logits.Select(l => l - logZ).ToArray();
    }
}
