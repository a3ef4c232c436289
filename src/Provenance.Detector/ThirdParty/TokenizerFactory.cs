using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Provenance.Detector.ThirdParty;

/// <summary>Turns text into model token ids with the tokenizer a third-party model was trained with.</summary>
internal sealed partial class ModelTokenizer
{
    readonly Func<string, int, IReadOnlyList<int>> _encode;
    readonly int? _bos;
    readonly int? _eos;

    internal ModelTokenizer(Tokenizer tokenizer, int? bos, int? eos, int padId, IReadOnlyDictionary<string, int>? vocabulary = null)
        : this((text, max) => tokenizer.EncodeToIds(text, max, out _, out _), bos, eos, padId, vocabulary)
    {
    }

    ModelTokenizer(Func<string, int, IReadOnlyList<int>> encode, int? bos, int? eos, int padId, IReadOnlyDictionary<string, int>? vocabulary = null)
    {
        _encode = encode;
        _bos = bos;
        _eos = eos;
        PadId = padId;
        Vocabulary = vocabulary;
    }

    public int PadId { get; }

    /// <summary>Token put before every text, if the model expects one.</summary>
    public int? BosId => _bos;

    /// <summary>Token put after every text, if the model expects one.</summary>
    public int? EosId => _eos;

    /// <summary>Every token and its id, special tokens included, where the tokenizer exposes them (for comparing two models' vocabularies).</summary>
    public IReadOnlyDictionary<string, int>? Vocabulary { get; }

    /// <summary>Ids for <paramref name="text"/>, special tokens included, at most <paramref name="maxLength"/> of them.</summary>
    public IReadOnlyList<int> Encode(string text, int maxLength)
    {
        var reserved = (_bos is null ? 0 : 1) + (_eos is null ? 0 : 1);
        var body = _encode(text, Math.Max(1, maxLength - reserved));
        if (reserved == 0)
        {
            return body;
        }
        var ids = new List<int>(body.Count + reserved);
        if (_bos is { } b)
        {
            ids.Add(b);
        }
        ids.AddRange(body);
        if (_eos is { } e)
        {
            ids.Add(e);
        }
        return ids;
    }

    public static ModelTokenizer Create(TokenizerConfig config, string directory)
    {
        string Path(string? file, string what) => file is null
            ? throw new InvalidDataException($"Tokenizer type '{config.Type}' needs \"{what}\" in {HuggingFaceModelConfig.FileName}.")
            : System.IO.Path.Combine(directory, file);

        switch (config.Type.ToLowerInvariant())
        {
            case "wordpiece":
                // BertTokenizer adds [CLS] and [SEP] itself, as BERT-family classifiers expect.
                var bert = BertTokenizer.Create(Path(config.Vocab, "vocab"), new BertOptions { LowerCaseBeforeTokenization = config.Lowercase });
                return new ModelTokenizer((text, max) => bert.EncodeToIds(text, max, addSpecialTokens: true, out _, out _), null, null, config.PadId);

            case "bpe":
                var options = new BpeOptions(Path(config.Vocab, "vocab"), Path(config.Merges, "merges"))
                {
                    ByteLevel = config.ByteLevel,
                    PreTokenizer = config.ByteLevel ? new RegexPreTokenizer(Gpt2Split(), null) : PreTokenizer.CreateWhiteSpace(),
                    UnknownToken = config.Unknown,
                };
                var bpe = BpeTokenizer.Create(options);
                return new ModelTokenizer(bpe, Lookup(bpe, config.Bos), Lookup(bpe, config.Eos), config.PadId);

            case "tiktoken":
                // Encodings ship as data packages; o200k_base is referenced here, hosts may add others.
                var tiktoken = TiktokenTokenizer.CreateForEncoding(config.Encoding ?? "o200k_base");
                return new ModelTokenizer(tiktoken, null, null, config.PadId);

            case "sentencepiece":
                using (var stream = File.OpenRead(Path(config.File, "file")))
                {
                    var sentencePiece = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: config.Bos is not null, addEndOfSentence: config.Eos is not null);
                    return new ModelTokenizer(sentencePiece, null, null, config.PadId);
                }

            default:
                throw new InvalidDataException($"Unknown tokenizer type '{config.Type}'; use wordpiece, bpe, tiktoken or sentencepiece.");
        }
    }

    static int? Lookup(BpeTokenizer tokenizer, string? token)
    {
        if (token is null)
        {
            return null;
        }
        return tokenizer.Vocabulary.TryGetValue(token, out var id)
            ? id
            : throw new InvalidDataException($"Special token '{token}' is not in the BPE vocabulary.");
    }

    /// <summary>GPT-2's pre-tokenization pattern, used by byte-level BPE models (GPT-2, RoBERTa).</summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Split();
}
