namespace Provenance.Detector.Features;

/// <summary>
/// Turns one document into the model's inputs: hashed n-gram ids for the graph's embedding bag (words, the
/// distorted "style" stream, optionally characters), unigram/context/bigram bucket ids for the human-text
/// language model, and style statistics. Holds its buffers between calls, so use one instance per thread.
/// </summary>
internal sealed class DocumentFeaturizer
{
    // Salts keep the n-gram kinds from landing on the same rows in a pattern (collisions stay random).
    const ulong UnigramSalt = 0x1F3D5B79A2C4E6F8UL;
    const ulong BigramSalt = 0x2E4C6A8B1D3F5971UL;
    const ulong TrigramSalt = 0x3A5C7E9B2D4F6183UL;
    const ulong CharSalt = 0x4B6D8FA1C3E50729UL;
    const ulong StyleSalt = 0x8FA1C2D3E4B5A697UL;
    const ulong LmSalt = 0x5C7E9AB3D5F71842UL;
    const ulong LmPairSalt = 0x6D8FAB1C4E6A2953UL;
    static readonly ulong BeginHash = FeatureHash.Of("\u0002<doc>");

    readonly FeatureConfig _config;
    readonly TokenBuffer _tokens = new();
    readonly StyleStatistics _style = new();

    public DocumentFeaturizer(FeatureConfig config)
    {
        config.Validate();
        _config = config;
    }

    public long[] NgramIds = new long[1024];
    public int NgramCount;
    public long[] LmUnigram = new long[256];
    public long[] LmContext = new long[256];
    public long[] LmBigram = new long[256];
    public int LmCount;
    public readonly float[] Style = new float[StyleStatistics.Count];

    public void Featurize(ReadOnlySpan<char> text)
    {
        TextTokenizer.Tokenize(text, _tokens, _config.MaxTokens);
        _style.Compute(_tokens, Style);
        NgramCount = 0;
        LmCount = 0;
        EnsureLm(_tokens.Count);

        var buckets = _config.NgramBuckets;
        var order = _config.WordNgramOrder;
        ulong previous = BeginHash, beforePrevious = BeginHash;
        long previousLm = Bucket(BeginHash, LmSalt, _config.LmUnigramBuckets);
        Span<ulong> shapes = stackalloc ulong[6];
        shapes.Fill(BeginHash);
        for (var t = 0; t < _tokens.Count; t++)
        {
            var hash = _tokens.Hashes[t];
            AddNgram(FeatureHash.Bucket(hash, UnigramSalt, buckets));
            if (order >= 2)
            {
                AddNgram(FeatureHash.Bucket(FeatureHash.Combine(previous, hash), BigramSalt, buckets));
            }
            if (order >= 3 && t >= 1)
            {
                AddNgram(FeatureHash.Bucket(FeatureHash.Combine(FeatureHash.Combine(beforePrevious, previous), hash), TrigramSalt, buckets));
            }
            if (_config.CharNgramMin > 0 && _tokens.Kinds[t] == TokenKind.Word)
            {
                AddCharNgrams(_tokens.NormalizedText(t));
            }

            if (_config.StyleNgramOrder > 0)
            {
                AddStyleNgrams(t, shapes);
            }

            var lm = Bucket(hash, LmSalt, _config.LmUnigramBuckets);
            LmUnigram[LmCount] = lm;
            LmContext[LmCount] = previousLm;
            LmBigram[LmCount] = PairBucket(previousLm, lm, _config.LmBigramBuckets);
            LmCount++;

            previousLm = lm;
            beforePrevious = previous;
            previous = hash;
        }
    }

    /// <summary>The bigram-table bucket of (context bucket, word bucket); also used when the language model is counted.</summary>
    public static long PairBucket(long context, long word, int buckets) =>
        FeatureHash.Bucket(FeatureHash.Combine((ulong)context, (ulong)word), LmPairSalt, buckets);

    static long Bucket(ulong hash, ulong salt, int buckets) => FeatureHash.Bucket(hash, salt, buckets);

    /// <summary>n-grams (2..StyleNgramOrder) ending at token <paramref name="t"/> over the distorted stream.</summary>
    void AddStyleNgrams(int t, Span<ulong> history)
    {
        var order = _config.StyleNgramOrder;
        for (var k = order - 1; k > 0; k--)
        {
            history[k] = history[k - 1];
        }
        history[0] = Distorted(t);
        var h = history[0];
        for (var n = 2; n <= order; n++)
        {
            h = FeatureHash.Combine(h, history[n - 1]);
            AddNgram(FeatureHash.Bucket(h, StyleSalt + (ulong)n, _config.NgramBuckets));
        }
    }

    ulong Distorted(int t)
    {
        var hash = _tokens.Hashes[t];
        if (_tokens.Kinds[t] != TokenKind.Word || FunctionWords.Contains(hash))
        {
            return hash;
        }
        var shape = _tokens.Shape[t];
        var kind = (shape & TokenBuffer.HasDigit) != 0 ? '0'
            : (shape & TokenBuffer.AllCaps) != 0 ? 'A'
            : (shape & TokenBuffer.Capitalized) != 0 ? 'C'
            : 'w';
        // Short, medium and long content words behave differently (e.g. Latinate vocabulary).
        var length = _tokens.NormLength[t];
        var size = length <= 3 ? '1' : length <= 6 ? '2' : length <= 9 ? '3' : '4';
        return FeatureHash.Add(FeatureHash.Add(FeatureHash.Add(FeatureHash.Start, '\u0003'), kind), size);
    }

    void AddCharNgrams(ReadOnlySpan<char> word)
    {
        // fastText subwords: the word wrapped in '<' '>' so prefixes and suffixes get their own n-grams.
        var padded = word.Length + 2;
        var buckets = _config.NgramBuckets;
        for (var n = _config.CharNgramMin; n <= _config.CharNgramMax && n <= padded; n++)
        {
            for (var start = 0; start + n <= padded; start++)
            {
                if (n == padded && n > _config.CharNgramMin)
                {
                    // The whole padded word is already covered by the word unigram.
                    continue;
                }
                var h = FeatureHash.Add(FeatureHash.Start, (char)n);
                for (var p = start; p < start + n; p++)
                {
                    var c = p == 0 ? '<' : p == padded - 1 ? '>' : word[p - 1];
                    h = FeatureHash.Add(h, c);
                }
                AddNgram(FeatureHash.Bucket(h, CharSalt, buckets));
            }
        }
    }

    void AddNgram(long id)
    {
        if (NgramCount == NgramIds.Length)
        {
            Array.Resize(ref NgramIds, NgramIds.Length * 2);
        }
        NgramIds[NgramCount++] = id;
    }

    void EnsureLm(int count)
    {
        if (LmUnigram.Length < count)
        {
            var n = Math.Max(count, LmUnigram.Length * 2);
            LmUnigram = new long[n];
            LmContext = new long[n];
            LmBigram = new long[n];
        }
    }
}
