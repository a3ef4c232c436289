using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Provenance.Detector.ThirdParty;

/// <summary>
/// Builds the tokenizer of a Hugging Face model folder (what <c>save_pretrained</c> and <c>optimum-cli export onnx</c>
/// write): tokenizer.json for byte-level BPE models (GPT-2, Qwen2/2.5, Llama-3, Falcon), else vocab.json + merges.txt
/// (GPT-2 byte-level), else a SentencePiece tokenizer.model (Llama-2 style). Whether a BOS/EOS token is added follows
/// the folder's own settings, as <c>AutoTokenizer</c> would.
/// </summary>
internal static class HuggingFaceTokenizerFolder
{
    public const string TokenizerJson = "tokenizer.json";
    public const string TokenizerConfig = "tokenizer_config.json";
    public const string ModelConfig = "config.json";
    public const string VocabJson = "vocab.json";
    public const string MergesTxt = "merges.txt";
    public const string SentencePieceModel = "tokenizer.model";

    static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static ModelTokenizer Load(string directory)
    {
        var settings = Settings.Read(directory);
        var tokenizerJson = Path.Combine(directory, TokenizerJson);
        var sentencePiece = Path.Combine(directory, SentencePieceModel);
        if (File.Exists(tokenizerJson))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(tokenizerJson), Lenient);
            var root = document.RootElement;
            var model = root.GetProperty("model");
            var type = model.TryGetProperty("type", out var t) ? t.GetString() : "BPE";
            if (type == "BPE" && IsByteLevel(root))
            {
                return FromTokenizerJson(root, settings);
            }
            if (File.Exists(sentencePiece))
            {
                return FromSentencePiece(sentencePiece, settings);
            }
            throw new NotSupportedException(
                $"{tokenizerJson} describes a {(type == "BPE" ? "non-byte-level BPE" : type)} tokenizer. Supported: byte-level BPE in tokenizer.json "
                + $"(GPT-2, Qwen2, Llama-3, Falcon), vocab.json + merges.txt, or a SentencePiece {SentencePieceModel} next to it.");
        }
        if (File.Exists(Path.Combine(directory, VocabJson)) && File.Exists(Path.Combine(directory, MergesTxt)))
        {
            return FromVocabAndMerges(directory, settings);
        }
        if (File.Exists(sentencePiece))
        {
            return FromSentencePiece(sentencePiece, settings);
        }
        throw new FileNotFoundException(
            $"{directory} has no tokenizer: expected {TokenizerJson}, {VocabJson} + {MergesTxt}, or {SentencePieceModel} (optimum-cli export onnx copies them next to the model).");
    }

    /// <summary>Byte-level models name ByteLevel in their pre-tokenizer or decoder; SentencePiece-style BPE (Llama-2) uses Metaspace/byte fallback instead.</summary>
    static bool IsByteLevel(JsonElement root) =>
        (root.TryGetProperty("pre_tokenizer", out var pre) && Mentions(pre, "ByteLevel"))
        || (root.TryGetProperty("decoder", out var decoder) && Mentions(decoder, "ByteLevel"));

    static bool Mentions(JsonElement element, string type) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p =>
            (p.Name == "type" && p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == type) || Mentions(p.Value, type)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => Mentions(e, type)),
        _ => false,
    };

    static ModelTokenizer FromTokenizerJson(JsonElement root, Settings settings)
    {
        var model = root.GetProperty("model");
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            vocabulary[entry.Name] = entry.Value.GetInt32();
        }
        var merges = new List<string>();
        if (model.TryGetProperty("merges", out var mergeList))
        {
            foreach (var merge in mergeList.EnumerateArray())
            {
                merges.Add(merge.ValueKind switch
                {
                    // Older files write "a b"; tokenizers 0.20+ writes ["a", "b"], which allows spaces inside a token.
                    JsonValueKind.String => merge.GetString()!,
                    JsonValueKind.Array => JoinMerge(merge),
                    _ => throw new InvalidDataException("tokenizer.json: a merge is neither \"a b\" nor [\"a\", \"b\"]."),
                });
            }
        }

        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                special[token.GetProperty("content").GetString()!] = token.GetProperty("id").GetInt32();
            }
        }

        var (templateBos, templateEos) = root.TryGetProperty("post_processor", out var post) ? TemplateSpecials(post) : (null, null);
        var all = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        foreach (var (token, id) in special)
        {
            all[token] = id;
        }

        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = special.Count == 0 ? null : special,
            PreTokenizer = HuggingFacePreTokenizer.FromJson(root.TryGetProperty("pre_tokenizer", out var pre) ? pre : null, special.Keys),
            Normalizer = UnicodeNormalizer.FromJson(root.TryGetProperty("normalizer", out var normalizer) ? normalizer : null),
            UnknownToken = model.TryGetProperty("unk_token", out var unknown) && unknown.ValueKind == JsonValueKind.String ? unknown.GetString() : null,
        };
        var tokenizer = BpeTokenizer.Create(options);
        var bos = Resolve(settings.AddBos ?? templateBos is not null, templateBos, settings.BosToken, settings.BosTokenId, all, "BOS");
        var eos = Resolve(settings.AddEos ?? templateEos is not null, templateEos, settings.EosToken, settings.EosTokenId, all, "EOS");
        return new ModelTokenizer(tokenizer, bos, eos, PadId(settings, all), all);
    }

    static string JoinMerge(JsonElement pair)
    {
        var parts = pair.EnumerateArray().Select(p => p.GetString()!).ToArray();
        if (parts.Length != 2 || parts.Any(p => p.Contains(' ', StringComparison.Ordinal)))
        {
            // Microsoft.ML.Tokenizers reads a merge as one "a b" string, so a space inside a token cannot be expressed;
            // byte-level vocabularies never have one (a space is the mapped character U+0120).
            throw new NotSupportedException($"tokenizer.json: merge [{string.Join(", ", parts)}] has a token with a space, which byte-level BPE never has.");
        }
        return parts[0] + " " + parts[1];
    }

    /// <summary>The special tokens a TemplateProcessing post-processor puts before and after a single sequence.</summary>
    static (string? Bos, string? Eos) TemplateSpecials(JsonElement post)
    {
        if (post.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }
        var type = post.GetProperty("type").GetString();
        if (type == "Sequence")
        {
            string? bos = null, eos = null;
            foreach (var inner in post.GetProperty("processors").EnumerateArray())
            {
                var (b, e) = TemplateSpecials(inner);
                bos ??= b;
                eos ??= e;
            }
            return (bos, eos);
        }
        if (type != "TemplateProcessing")
        {
            return (null, null);
        }
        string? before = null, after = null;
        var seenSequence = false;
        foreach (var item in post.GetProperty("single").EnumerateArray())
        {
            if (item.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
            }
            else if (item.TryGetProperty("SpecialToken", out var token))
            {
                var id = token.GetProperty("id").GetString();
                if (seenSequence)
                {
                    after ??= id;
                }
                else
                {
                    before ??= id;
                }
            }
        }
        return (before, after);
    }

    static ModelTokenizer FromVocabAndMerges(string directory, Settings settings)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, VocabJson)), Lenient);
        var vocabulary = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        var merges = File.ReadLines(Path.Combine(directory, MergesTxt))
            .Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
            .ToList();
        var special = new Dictionary<string, int>(settings.AddedTokens, StringComparer.Ordinal);
        var all = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        foreach (var (token, id) in special)
        {
            all[token] = id;
        }
        var tokenizer = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = special.Count == 0 ? null : special,
            PreTokenizer = HuggingFacePreTokenizer.Gpt2(special.Keys),
        });
        var bos = Resolve(settings.AddBos ?? false, null, settings.BosToken, settings.BosTokenId, all, "BOS");
        var eos = Resolve(settings.AddEos ?? false, null, settings.EosToken, settings.EosTokenId, all, "EOS");
        return new ModelTokenizer(tokenizer, bos, eos, PadId(settings, all), all);
    }

    static ModelTokenizer FromSentencePiece(string path, Settings settings)
    {
        using var stream = File.OpenRead(path);
        // BOS/EOS are added by ModelTokenizer, so truncation keeps room for them like every other tokenizer here.
        var tokenizer = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        // LlamaTokenizer adds BOS unless told not to; it never adds EOS unless told to.
        int? bos = (settings.AddBos ?? true) ? tokenizer.BeginningOfSentenceId : null;
        int? eos = (settings.AddEos ?? false) ? tokenizer.EndOfSentenceId : null;
        var pad = settings.PadTokenId ?? settings.EosTokenId ?? tokenizer.EndOfSentenceId;
        return new ModelTokenizer(tokenizer, bos, eos, pad, tokenizer.Vocabulary);
    }

    static int? Resolve(bool add, string? template, string? token, int? id, Dictionary<string, int> vocabulary, string what)
    {
        if (!add)
        {
            return null;
        }
        foreach (var name in new[] { template, token })
        {
            if (name is not null && vocabulary.TryGetValue(name, out var found))
            {
                return found;
            }
        }
        return id ?? throw new InvalidDataException(
            $"The tokenizer settings ask for a {what} token but name none that is in the vocabulary ({TokenizerConfig} {what.ToLowerInvariant()}_token, {ModelConfig} {what.ToLowerInvariant()}_token_id).");
    }

    /// <summary>Any id will do for padding (the mask hides it and a causal model never looks ahead), but a real token keeps it in range.</summary>
    static int PadId(Settings settings, Dictionary<string, int> vocabulary) =>
        settings.PadTokenId
        ?? (settings.PadToken is { } pad && vocabulary.TryGetValue(pad, out var padId) ? padId : (int?)null)
        ?? settings.EosTokenId
        ?? 0;

    /// <summary>What tokenizer_config.json and config.json say about special tokens.</summary>
    sealed record Settings(
        bool? AddBos, bool? AddEos, string? BosToken, string? EosToken, string? PadToken, int? BosTokenId, int? EosTokenId, int? PadTokenId,
        IReadOnlyDictionary<string, int> AddedTokens)
    {
        public static Settings Read(string directory)
        {
            bool? addBos = null, addEos = null;
            string? bosToken = null, eosToken = null, padToken = null;
            int? bosId = null, eosId = null, padId = null;
            var added = new Dictionary<string, int>(StringComparer.Ordinal);

            var tokenizerConfig = Path.Combine(directory, TokenizerConfig);
            if (File.Exists(tokenizerConfig))
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(tokenizerConfig), Lenient);
                var root = document.RootElement;
                addBos = Bool(root, "add_bos_token");
                addEos = Bool(root, "add_eos_token");
                bosToken = TokenName(root, "bos_token");
                eosToken = TokenName(root, "eos_token");
                padToken = TokenName(root, "pad_token");
                if (root.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in decoder.EnumerateObject())
                    {
                        if (int.TryParse(entry.Name, out var id) && entry.Value.TryGetProperty("content", out var content))
                        {
                            added[content.GetString()!] = id;
                        }
                    }
                }
            }

            var modelConfig = Path.Combine(directory, ModelConfig);
            if (File.Exists(modelConfig))
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(modelConfig), Lenient);
                var root = document.RootElement;
                bosId = Id(root, "bos_token_id");
                eosId = Id(root, "eos_token_id");
                padId = Id(root, "pad_token_id");
            }
            return new Settings(addBos, addEos, bosToken, eosToken, padToken, bosId, eosId, padId, added);
        }

        static bool? Bool(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

        /// <summary>A token named as a string or as an AddedToken object {"content": ...}.</summary>
        static string? TokenName(JsonElement root, string name) =>
            !root.TryGetProperty(name, out var value) ? null
            : value.ValueKind == JsonValueKind.String ? value.GetString()
            : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) ? content.GetString()
            : null;

        /// <summary>An id, or the first of a list (Llama-3.1 lists several EOS ids).</summary>
        static int? Id(JsonElement root, string name) =>
            !root.TryGetProperty(name, out var value) ? null
            : value.ValueKind == JsonValueKind.Number ? value.GetInt32()
            : value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value[0].ValueKind == JsonValueKind.Number ? value[0].GetInt32()
            : (int?)null;
    }
}
