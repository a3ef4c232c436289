namespace Provenance.Detector.Features;

/// <summary>
/// The tables of a hashed bigram language model of human writing. Per token the graph computes
/// <c>log(Bigram[pair] + Backoff[context] * Unigram[word])</c> (interpolated Witten-Bell), and compares it with
/// <see cref="Mean"/> / <see cref="Variance"/>, the expected log-probability and its variance under the model's own
/// prediction for that context: Fast-DetectGPT's conditional-probability curvature with a tiny model.
/// </summary>
/// <param name="UnseenBelow">Unigram probabilities below this belong to buckets no training word fell into.</param>
internal sealed record LanguageModelTables(float[] Unigram, float[] Backoff, float[] Mean, float[] Variance, float[] Bigram, float UnseenBelow);

/// <summary>Counts a <see cref="LanguageModelTables"/> from human-written documents.</summary>
internal sealed class HumanLanguageModel(FeatureConfig config)
{
    // Additive smoothing for the unigram buckets: every bucket, seen or not, keeps a non-zero probability.
    const double UnigramPseudoCount = 0.1;

    readonly long[] _unigram = new long[config.LmUnigramBuckets];
    readonly long[] _contextTotal = new long[config.LmUnigramBuckets];
    readonly Dictionary<long, int> _pairs = new();
    long _tokens;

    /// <summary>Adds one featurized document's language-model ids (unigram and context buckets).</summary>
    public void Add(ReadOnlySpan<int> words, ReadOnlySpan<int> contexts)
    {
        for (var i = 0; i < words.Length; i++)
        {
            _unigram[words[i]]++;
            _contextTotal[contexts[i]]++;
            var key = (long)contexts[i] * config.LmUnigramBuckets + words[i];
            _pairs[key] = _pairs.GetValueOrDefault(key) + 1;
        }
        _tokens += words.Length;
    }

    public LanguageModelTables Build()
    {
        var u = config.LmUnigramBuckets;
        var pu = new double[u];
        var logPu = new double[u];
        var denominator = _tokens + UnigramPseudoCount * u;
        double a1 = 0, a2 = 0;
        for (var w = 0; w < u; w++)
        {
            pu[w] = (_unigram[w] + UnigramPseudoCount) / denominator;
            logPu[w] = Math.Log(pu[w]);
            a1 += pu[w] * logPu[w];
            a2 += pu[w] * logPu[w] * logPu[w];
        }

        var distinct = new int[u];
        foreach (var key in _pairs.Keys)
        {
            distinct[(int)(key / u)]++;
        }

        var backoff = new float[u];
        var mean = new double[u];
        var second = new double[u];
        for (var c = 0; c < u; c++)
        {
            // Witten-Bell: a context seen with many different followers keeps more mass for the unigram model.
            var b = _contextTotal[c] == 0 ? 1.0 : (double)distinct[c] / (_contextTotal[c] + distinct[c]);
            backoff[c] = (float)b;
            var logB = Math.Log(b);
            // Expectations over the scaled unigram distribution b*pu; seen followers are corrected below.
            mean[c] = b * (logB + a1);
            second[c] = b * (logB * logB + 2 * logB * a1 + a2);
        }

        var bigram = new float[config.LmBigramBuckets];
        foreach (var (key, count) in _pairs)
        {
            var c = (int)(key / u);
            var w = (int)(key % u);
            var b = (double)backoff[c];
            var bigramMass = (1 - b) * count / _contextTotal[c];
            bigram[DocumentFeaturizer.PairBucket(c, w, config.LmBigramBuckets)] += (float)bigramMass;

            var unigramOnly = b * pu[w];
            var logUnigramOnly = Math.Log(unigramOnly);
            var q = bigramMass + unigramOnly;
            var logQ = Math.Log(q);
            mean[c] += q * logQ - unigramOnly * logUnigramOnly;
            second[c] += q * logQ * logQ - unigramOnly * logUnigramOnly * logUnigramOnly;
        }

        var meanTable = new float[u];
        var varianceTable = new float[u];
        for (var c = 0; c < u; c++)
        {
            meanTable[c] = (float)mean[c];
            varianceTable[c] = (float)Math.Max(1e-6, second[c] - mean[c] * mean[c]);
        }
        var unseen = (float)(1.5 * UnigramPseudoCount / denominator);
        return new LanguageModelTables(pu.Select(p => (float)p).ToArray(), backoff, meanTable, varianceTable, bigram, unseen);
    }
}

/// <summary>
/// Per-document statistics of token log-probabilities under the human-text model. This C# version is the
/// reference for the same computation inside the ONNX graph (see <c>DetectorGraph</c>); both must agree.
/// </summary>
internal static class LanguageModelStatistics
{
    public static int Count(FeatureConfig config) => config.LmLogProbThresholds.Count + 9;

    public static IEnumerable<string> Names(FeatureConfig config) =>
        new[] { "lm_mean_logprob", "lm_std_logprob" }
            .Concat(config.LmLogProbThresholds.Select(t => $"lm_share_below_{t:0.#}"))
            .Concat(["lm_mean_curvature", "lm_curvature_z", "lm_mean_expected_logprob",
                "lm_mean_unigram_logprob", "lm_std_unigram_logprob", "lm_unseen_word_share", "lm_seen_bigram_share"]);

    public static void Compute(
        LanguageModelTables tables, IReadOnlyList<float> thresholds,
        ReadOnlySpan<long> words, ReadOnlySpan<long> contexts, ReadOnlySpan<long> pairs, Span<float> output)
    {
        float sum = 0, squares = 0, diff = 0, variance = 0, expected = 0;
        float unigramSum = 0, unigramSquares = 0, unseen = 0, seenBigrams = 0;
        Span<float> below = stackalloc float[thresholds.Count];
        below.Clear();
        for (var i = 0; i < words.Length; i++)
        {
            var unigram = tables.Unigram[words[i]];
            var bigram = tables.Bigram[pairs[i]];
            var p = bigram + tables.Backoff[contexts[i]] * unigram;
            var lp = MathF.Log(p);
            var lu = MathF.Log(unigram);
            unigramSum += lu;
            unigramSquares += lu * lu;
            unseen += unigram < tables.UnseenBelow ? 1 : 0;
            seenBigrams += bigram > 0 ? 1 : 0;
            sum += lp;
            squares += lp * lp;
            var mu = tables.Mean[contexts[i]];
            diff += lp - mu;
            variance += tables.Variance[contexts[i]];
            expected += mu;
            for (var k = 0; k < below.Length; k++)
            {
                if (lp < thresholds[k])
                {
                    below[k] += 1;
                }
            }
        }
        var n = MathF.Max(words.Length, 1);
        var mean = sum / n;
        output[0] = mean;
        output[1] = MathF.Sqrt(MathF.Max(squares / n - mean * mean, 0) + StdEpsilon);
        for (var k = 0; k < below.Length; k++)
        {
            output[2 + k] = below[k] / n;
        }
        output[2 + below.Length] = diff / n;
        output[3 + below.Length] = diff / MathF.Sqrt(variance + StdEpsilon);
        output[4 + below.Length] = expected / n;
        var unigramMean = unigramSum / n;
        output[5 + below.Length] = unigramMean;
        output[6 + below.Length] = MathF.Sqrt(MathF.Max(unigramSquares / n - unigramMean * unigramMean, 0) + StdEpsilon);
        output[7 + below.Length] = unseen / n;
        output[8 + below.Length] = seenBigrams / n;
    }

    public const float StdEpsilon = 1e-6f;
}
