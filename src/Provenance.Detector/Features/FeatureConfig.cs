namespace Provenance.Detector.Features;

/// <summary>
/// How text becomes model inputs. Saved in the model manifest: a model is only valid with the config it was
/// trained with, because embedding rows and language-model buckets are addressed by these hashes and sizes.
/// </summary>
public sealed record FeatureConfig
{
    /// <summary>Tokenizer and hashing scheme; bump when <see cref="TextTokenizer"/> or the salts change.</summary>
    public string Featurizer { get; init; } = "ptb-hash-v1";

    /// <summary>
    /// Rows of the n-gram embedding table (power of two). 2^17 rows of 16 halves is 4 MiB; 2^18 added 4.5 MiB to
    /// the file for no real gain on dev (AUROC 0.9752 vs 0.9746).
    /// </summary>
    public int NgramBuckets { get; init; } = 1 << 17;

    /// <summary>
    /// Width of the hashed n-gram embedding bag; 0 leaves the bag out, so only the dense statistics decide. Models
    /// 2.x have none: the bag memorises the content of the training families, and on families held out of training
    /// it ranked no better (mean leave-one-family-out AUROC 0.581 with it, 0.601 without).
    /// </summary>
    public int EmbeddingDim { get; init; }

    /// <summary>Longest word n-gram hashed into the bag (1 = unigrams only).</summary>
    public int WordNgramOrder { get; init; } = 2;

    /// <summary>
    /// Longest n-gram over the "distorted" token stream (function words and punctuation kept, content words replaced
    /// by their shape); 0 disables them.
    /// </summary>
    public int StyleNgramOrder { get; init; } = 4;

    /// <summary>
    /// Shortest character n-gram taken inside words (fastText subwords); 0 disables them. Off by default: on the
    /// detector corpus they quadrupled the ids per document and lowered dev AUROC (0.9727 with 4-grams vs 0.9744).
    /// </summary>
    public int CharNgramMin { get; init; }

    public int CharNgramMax { get; init; } = 5;

    /// <summary>Tokens read per document; longer documents are scored on their opening.</summary>
    public int MaxTokens { get; init; } = 768;

    /// <summary>Buckets of the human-text language model's unigram and context tables (power of two).</summary>
    public int LmUnigramBuckets { get; init; } = 1 << 17;

    /// <summary>Buckets of the human-text language model's bigram table (power of two).</summary>
    public int LmBigramBuckets { get; init; } = 1 << 20;

    /// <summary>Natural-log probability cut points; the model sees the share of tokens below each (GLTR-style buckets).</summary>
    public IReadOnlyList<float> LmLogProbThresholds { get; init; } = [-2f, -4f, -6f, -8f, -10f];

    public void Validate()
    {
        Check(IsPowerOfTwo(NgramBuckets), nameof(NgramBuckets), "a power of two");
        Check(IsPowerOfTwo(LmUnigramBuckets), nameof(LmUnigramBuckets), "a power of two");
        Check(IsPowerOfTwo(LmBigramBuckets), nameof(LmBigramBuckets), "a power of two");
        Check(EmbeddingDim >= 0, nameof(EmbeddingDim), "0 (no n-gram bag) or positive");
        Check(WordNgramOrder is >= 1 and <= 3, nameof(WordNgramOrder), "1, 2 or 3");
        Check(CharNgramMin == 0 || (CharNgramMin >= 2 && CharNgramMax >= CharNgramMin && CharNgramMax <= 8),
            nameof(CharNgramMin), "0, or 2..8 with CharNgramMax at least as large");
        Check(StyleNgramOrder is >= 0 and <= 6, nameof(StyleNgramOrder), "0..6");
        Check(MaxTokens >= 8, nameof(MaxTokens), "at least 8");
        Check(LmLogProbThresholds.Count > 0, nameof(LmLogProbThresholds), "non-empty");
        Check(Featurizer == "ptb-hash-v1", nameof(Featurizer), "'ptb-hash-v1' (the only featurizer this build knows)");
    }

    static bool IsPowerOfTwo(int n) => n > 0 && (n & (n - 1)) == 0;

    static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"Feature config {name} must be {rule}.");
        }
    }
}
