using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.ML.Tokenizers;
using Provenance.Detector.ThirdParty;

namespace Provenance.Detector.Tests.ThirdParty;

/// <summary>
/// The tokenizer.json reader against Hugging Face tokenizers itself: Fixtures/ holds small byte-level BPE tokenizers in
/// the styles of GPT-2, Qwen2, Llama-3 and Falcon, and the ids the reference implementation gave for a set of texts
/// (contractions in both cases, digits, CRLF and runs of blank lines, decomposed accents, CJK, emoji, special tokens).
/// </summary>
public sealed class HuggingFaceTokenizerFolderTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-tok-");

    public void Dispose() => _directory.Delete(recursive: true);

    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "ThirdParty", "Fixtures", name);

    static IEnumerable<(string Text, int[] Ids)> Expected(string style)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Fixture("expected-ids.json")));
        return document.RootElement.GetProperty(style).EnumerateArray()
            .Select(e => (e.GetProperty("text").GetString()!, e.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray()))
            .ToList();
    }

    void Write(string file, string content) => File.WriteAllText(Path.Combine(_directory.FullName, file), content);

    [Theory]
    [InlineData("gpt2")]
    [InlineData("qwen2")]
    [InlineData("llama3")]
    [InlineData("falcon")]
    public void AByteLevelTokenizerJsonGivesTheIdsHuggingFaceTokenizersGives(string style)
    {
        File.Copy(Fixture($"{style}.tokenizer.json"), Path.Combine(_directory.FullName, "tokenizer.json"));

        var tokenizer = HuggingFaceTokenizerFolder.Load(_directory.FullName);

        foreach (var (text, ids) in Expected(style))
        {
            Assert.Equal(ids, tokenizer.Encode(text, 10_000));
        }
    }

    [Fact]
    public void MergesWrittenAsStringsAndAsPairsGiveTheSameIds()
    {
        var json = JsonNode.Parse(File.ReadAllText(Fixture("qwen2.tokenizer.json")))!;
        var merges = json["model"]!["merges"]!.AsArray();
        var asStrings = new JsonArray(merges.Select(m => JsonValue.Create($"{m![0]} {m[1]}")).ToArray<JsonNode?>());
        json["model"]!["merges"] = asStrings;
        Write("tokenizer.json", json.ToJsonString());

        var tokenizer = HuggingFaceTokenizerFolder.Load(_directory.FullName);

        foreach (var (text, ids) in Expected("qwen2"))
        {
            Assert.Equal(ids, tokenizer.Encode(text, 10_000));
        }
    }

    [Fact]
    public void VocabJsonAndMergesTxtTokenizeLikeGpt2()
    {
        var json = JsonNode.Parse(File.ReadAllText(Fixture("gpt2.tokenizer.json")))!;
        Write("vocab.json", json["model"]!["vocab"]!.ToJsonString());
        Write("merges.txt", "#version: 0.2\n" + string.Join('\n', json["model"]!["merges"]!.AsArray().Select(m => m!.GetValue<string>())) + "\n");
        var endOfText = json["added_tokens"]![0]!["id"]!.GetValue<int>();
        Write("tokenizer_config.json", $$$"""{"added_tokens_decoder": {"{{{endOfText}}}": {"content": "<|endoftext|>", "special": true}}, "model_max_length": 1024}""");

        var tokenizer = HuggingFaceTokenizerFolder.Load(_directory.FullName);

        foreach (var (text, ids) in Expected("gpt2"))
        {
            Assert.Equal(ids, tokenizer.Encode(text, 10_000));
        }
    }

    [Fact]
    public void ABosTokenIdInConfigJsonAloneDoesNotAddABosToken()
    {
        File.Copy(Fixture("qwen2.tokenizer.json"), Path.Combine(_directory.FullName, "tokenizer.json"));
        // Qwen2.5 and GPT-2 name a bos_token_id in config.json, yet their tokenizers add nothing.
        Write("config.json", """{"bos_token_id": 256, "eos_token_id": 256, "vocab_size": 512}""");
        var (text, ids) = Expected("qwen2").First();

        var tokenizer = HuggingFaceTokenizerFolder.Load(_directory.FullName);

        Assert.Null(tokenizer.BosId);
        Assert.Equal(ids, tokenizer.Encode(text, 10_000));
    }

    [Fact]
    public void AddBosTokenInTokenizerConfigPutsTheBosTokenFirst()
    {
        File.Copy(Fixture("qwen2.tokenizer.json"), Path.Combine(_directory.FullName, "tokenizer.json"));
        Write("tokenizer_config.json", """{"add_bos_token": true, "bos_token": {"content": "<|im_start|>", "special": true}}""");
        var imStart = JsonNode.Parse(File.ReadAllText(Fixture("qwen2.tokenizer.json")))!["added_tokens"]![1]!["id"]!.GetValue<int>();
        var (text, ids) = Expected("qwen2").First();

        var tokenizer = HuggingFaceTokenizerFolder.Load(_directory.FullName);

        Assert.Equal(imStart, tokenizer.BosId);
        Assert.Equal([imStart, .. ids], tokenizer.Encode(text, 10_000));
    }

    [Fact]
    public void TruncationKeepsTheBosTokenWithinTheCap()
    {
        File.Copy(Fixture("llama3.tokenizer.json"), Path.Combine(_directory.FullName, "tokenizer.json"));
        var (text, ids) = Expected("llama3").First();

        var tokenizer = HuggingFaceTokenizerFolder.Load(_directory.FullName);
        var truncated = tokenizer.Encode(text, 8);

        Assert.Equal(ids[..8], truncated);
    }

    [Fact]
    public void ATokenizerJsonThatIsNotByteLevelAndHasNoSentencePieceModelIsAClearError()
    {
        Write("tokenizer.json", """
            {"version": "1.0", "added_tokens": [], "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}]},
             "pre_tokenizer": null, "decoder": {"type": "ByteFallback"},
             "model": {"type": "BPE", "byte_fallback": true, "vocab": {"<unk>": 0, "▁a": 1}, "merges": []}}
            """);

        var error = Assert.Throws<NotSupportedException>(() => HuggingFaceTokenizerFolder.Load(_directory.FullName));

        Assert.Contains("tokenizer.model", error.Message);
    }

    [Fact]
    public void AFolderWithoutTokenizerFilesSaysWhichFilesItNeeds()
    {
        var error = Assert.Throws<FileNotFoundException>(() => HuggingFaceTokenizerFolder.Load(_directory.FullName));

        Assert.Contains("tokenizer.json", error.Message);
        Assert.Contains("merges.txt", error.Message);
        Assert.Contains("tokenizer.model", error.Message);
    }

    /// <summary>
    /// A Llama-2-style SentencePiece BPE model (sentencepiece_model.proto: pieces = 1 {piece = 1, score = 2, type = 3},
    /// trainer_spec = 2 {model_type = 3, unk/bos/eos/pad ids = 40-43}, normalizer_spec = 3 {name = 1,
    /// add_dummy_prefix = 3, remove_extra_whitespaces = 4, escape_whitespaces = 5}), written field by field.
    /// </summary>
    static byte[] SentencePieceModel()
    {
        (string Piece, float Score, int Type)[] pieces =
        [
            ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3),
            ("▁", -1, 1), ("a", -2, 1), ("b", -3, 1), ("c", -4, 1), ("d", -5, 1),
            ("▁a", -6, 1), ("ab", -7, 1), ("▁ab", -8, 1), ("cd", -9, 1), ("▁c", -10, 1), ("▁cd", -11, 1),
        ];
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        foreach (var (piece, score, type) in pieces)
        {
            var message = new MemoryStream();
            var inner = new CodedOutputStream(message);
            inner.WriteTag(1, WireFormat.WireType.LengthDelimited);
            inner.WriteString(piece);
            inner.WriteTag(2, WireFormat.WireType.Fixed32);
            inner.WriteFloat(score);
            inner.WriteTag(3, WireFormat.WireType.Varint);
            inner.WriteEnum(type);
            inner.Flush();
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(message.ToArray()));
        }
        var trainer = new MemoryStream();
        var spec = new CodedOutputStream(trainer);
        foreach (var (field, value) in new[] { (3, 2), (40, 0), (41, 1), (42, 2), (43, -1) })
        {
            spec.WriteTag(field, WireFormat.WireType.Varint);
            spec.WriteInt32(value);
        }
        spec.Flush();
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(trainer.ToArray()));
        var normalizer = new MemoryStream();
        var norm = new CodedOutputStream(normalizer);
        norm.WriteTag(1, WireFormat.WireType.LengthDelimited);
        norm.WriteString("identity");
        foreach (var field in new[] { 3, 4, 5 })
        {
            norm.WriteTag(field, WireFormat.WireType.Varint);
            norm.WriteBool(true);
        }
        norm.Flush();
        output.WriteTag(3, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(normalizer.ToArray()));
        output.Flush();
        return buffer.ToArray();
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void ASentencePieceModelAddsBosUnlessTheTokenizerConfigSaysNot(bool? addBos, bool expectBos)
    {
        var model = SentencePieceModel();
        File.WriteAllBytes(Path.Combine(_directory.FullName, "tokenizer.model"), model);
        if (addBos is { } add)
        {
            Write("tokenizer_config.json", $$"""{"add_bos_token": {{(add ? "true" : "false")}}}""");
        }
        var plain = SentencePieceTokenizer.Create(new MemoryStream(model), addBeginningOfSentence: false, addEndOfSentence: false);
        var text = "ab cd abcd";

        var tokenizer = HuggingFaceTokenizerFolder.Load(_directory.FullName);
        var ids = tokenizer.Encode(text, 100);

        var body = plain.EncodeToIds(text);
        Assert.Contains(10, body);
        Assert.Equal(expectBos ? [1, .. body] : body.ToArray(), ids);
        Assert.Equal(14, tokenizer.Vocabulary!.Count);
    }
}
