using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;
using Provenance.Detector.Onnx;
using Provenance.Detector.Scoring;
using Provenance.Detector.ThirdParty;

namespace Provenance.Detector.Tests.ThirdParty;

/// <summary>
/// A tiny "sequence classifier" built by the test: embedding lookup on input_ids, attention-mask-weighted mean
/// pooling, MatMul + Add to logits [human, machine]. Token "delve" pushes towards machine, "honestly" towards human.
/// </summary>
public sealed class HuggingFaceDetectorTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-hf-");

    public void Dispose() => _directory.Delete(recursive: true);

    const int Dim = 2;

    static float[] Embedding(int vocabulary, IEnumerable<int> machineIds, IEnumerable<int> humanIds)
    {
        var table = new float[vocabulary * Dim];
        foreach (var id in machineIds)
        {
            table[id * Dim] = 4;
        }
        foreach (var id in humanIds)
        {
            table[id * Dim + 1] = 4;
        }
        return table;
    }

    // Logit 0 (human) reads dimension 1, logit 1 (machine) reads dimension 0.
    static readonly float[] Weights = [0, 1, 1, 0];
    static readonly float[] Bias = [0.1f, -0.1f];

    void WriteModel(float[] embedding, int vocabulary, bool tokenTypes = false)
    {
        var g = new OnnxGraphBuilder("tiny_classifier");
        g.Input("input_ids", TensorElementType.Int64, "batch", "sequence")
         .Input("attention_mask", TensorElementType.Int64, "batch", "sequence");
        if (tokenTypes)
        {
            g.Input("token_type_ids", TensorElementType.Int64, "batch", "sequence");
        }
        g.Output("logits", TensorElementType.Float, "batch", 2);
        var axis1 = g.ConstantInt64(1);
        var vectors = g.Node("Gather", [g.Initializer("embedding", embedding, vocabulary, Dim), "input_ids"]);
        var mask = g.Node("Cast", ["attention_mask"], OnnxAttribute.Int("to", (long)TensorElementType.Float));
        var masked = g.Node("Mul", [vectors, g.Node("Unsqueeze", [mask, g.ConstantInt64(2)])]);
        var sum = g.Node("ReduceSum", [masked, axis1], OnnxAttribute.Int("keepdims", 0));
        var count = g.Node("ReduceSum", [mask, axis1], OnnxAttribute.Int("keepdims", 1));
        var mean = g.Node("Div", [sum, count]);
        g.NodeNamed("Add", [g.Node("MatMul", [mean, g.Initializer("w", Weights, Dim, 2)]), g.Initializer("b", Bias, 2)], "logits");
        File.WriteAllBytes(Path.Combine(_directory.FullName, "model.onnx"), g.ToBytes());
    }

    void WriteConfig(TokenizerConfig tokenizer) =>
        File.WriteAllText(Path.Combine(_directory.FullName, HuggingFaceModelConfig.FileName), new HuggingFaceModelConfig
        {
            Name = "tiny",
            Version = "0.1",
            Labels = ["Human", "Machine"],
            HumanLabel = "human",
            MaxLength = 16,
            Tokenizer = tokenizer,
        }.ToJson());

    /// <summary>What the tiny model computes for a token sequence, done by hand.</summary>
    static float ExpectedHuman(IReadOnlyList<int> ids, float[] embedding)
    {
        float d0 = 0, d1 = 0;
        foreach (var id in ids)
        {
            d0 += embedding[id * Dim];
            d1 += embedding[id * Dim + 1];
        }
        d0 /= ids.Count;
        d1 /= ids.Count;
        var human = d1 + Bias[0];
        var machine = d0 + Bias[1];
        return 1 / (1 + MathF.Exp(machine - human));
    }

    [Fact]
    public void AWordPieceModelScoresLikeItsGraphComputedByHand()
    {
        string[] vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "we", "del", "##ve", "into", "it", "honest", "##ly", "lol", "the"];
        File.WriteAllLines(Path.Combine(_directory.FullName, "vocab.txt"), vocab);
        var embedding = Embedding(vocab.Length, [6, 7], [10, 11]);
        WriteModel(embedding, vocab.Length, tokenTypes: true);
        WriteConfig(new TokenizerConfig { Type = "wordpiece", Vocab = "vocab.txt" });
        var bert = BertTokenizer.Create(Path.Combine(_directory.FullName, "vocab.txt"));
        string[] texts = ["We DELVE into it", "honestly lol", "the the the the the the the the the the the the the the the the the the the"];

        using var detector = HuggingFaceDetector.Load(_directory.FullName);
        var scores = detector.Score(texts);

        Assert.Equal("tiny@0.1", detector.ModelId);
        Assert.Equal(DetectorClass.Synthetic, scores[0].Class);
        Assert.Equal(DetectorClass.Human, scores[1].Class);
        for (var i = 0; i < texts.Length; i++)
        {
            var ids = bert.EncodeToIds(texts[i], 16, addSpecialTokens: true, out _, out _);
            Assert.Equal(2, ids[0]);
            Assert.True(ids.Count <= 16);
            Assert.Equal(ExpectedHuman(ids, embedding), scores[i].PHuman, 5);
        }
    }

    [Fact]
    public void ABpeModelWithVocabJsonAndMergesScoresLikeItsGraphComputedByHand()
    {
        var tokens = new List<string> { "<s>", "</s>", "<pad>", "<unk>" };
        tokens.AddRange("abcdefghijklmnopqrstuvwxyz".Select(c => c.ToString()));
        string[] merges = ["d e", "de l", "del v", "delv e", "h o", "ho n", "hon e", "hone s", "hones t", "honest l", "honestl y"];
        tokens.AddRange(["de", "del", "delv", "delve", "ho", "hon", "hone", "hones", "honest", "honestl", "honestly"]);
        var vocabulary = tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
        File.WriteAllText(Path.Combine(_directory.FullName, "vocab.json"), JsonSerializer.Serialize(vocabulary));
        File.WriteAllLines(Path.Combine(_directory.FullName, "merges.txt"), ["#version: 0.2", .. merges]);
        var embedding = Embedding(tokens.Count, [vocabulary["delve"]], [vocabulary["honestly"]]);
        WriteModel(embedding, tokens.Count);
        WriteConfig(new TokenizerConfig
        {
            Type = "bpe", Vocab = "vocab.json", Merges = "merges.txt", ByteLevel = false, Bos = "<s>", Eos = "</s>", Unknown = "<unk>", PadId = 2,
        });
        string[] texts = ["delve delve into", "honestly", "honestly delve"];

        using var detector = HuggingFaceDetector.Load(Path.Combine(_directory.FullName, HuggingFaceModelConfig.FileName));
        var scores = detector.Score(texts);

        Assert.Equal(DetectorClass.Synthetic, scores[0].Class);
        Assert.Equal(DetectorClass.Human, scores[1].Class);
        // "<s> delve delve i n t o </s>": 2 of 8 tokens lean machine.
        var expected = new List<int> { 0, vocabulary["delve"], vocabulary["delve"] };
        expected.AddRange("into".Select(c => vocabulary[c.ToString()]));
        expected.Add(1);
        Assert.Equal(ExpectedHuman(expected, embedding), scores[0].PHuman, 5);
        Assert.Equal(ExpectedHuman([0, vocabulary["honestly"], 1], embedding), scores[1].PHuman, 5);
    }

    [Fact]
    public void ATiktokenModelUsesTheO200kEncoding()
    {
        var tiktoken = TiktokenTokenizer.CreateForEncoding("o200k_base");
        var vocabulary = 200_064;
        var delve = tiktoken.EncodeToIds(" delve");
        WriteModel(Embedding(vocabulary, delve, []), vocabulary);
        WriteConfig(new TokenizerConfig { Type = "tiktoken", Encoding = "o200k_base" });

        using var detector = HuggingFaceDetector.Load(_directory.FullName);
        var scores = detector.Score(["Let us delve", "Let us walk"]);

        Assert.Equal(DetectorClass.Synthetic, scores[0].Class);
        Assert.Equal(DetectorClass.Human, scores[1].Class);
    }

    [Fact]
    public void ALabelTheModelDoesNotHaveIsAClearError()
    {
        File.WriteAllLines(Path.Combine(_directory.FullName, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]);
        WriteModel(new float[4 * Dim], 4);
        File.WriteAllText(Path.Combine(_directory.FullName, HuggingFaceModelConfig.FileName), new HuggingFaceModelConfig
        {
            Labels = ["LABEL_0", "LABEL_1"],
            HumanLabel = "real",
            Tokenizer = new TokenizerConfig { Type = "wordpiece", Vocab = "vocab.txt" },
        }.ToJson());

        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceDetector.Load(_directory.FullName));

        Assert.Contains("'real'", error.Message);
        Assert.Contains("LABEL_0", error.Message);
    }
}
