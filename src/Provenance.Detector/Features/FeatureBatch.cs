namespace Provenance.Detector.Features;

/// <summary>
/// The model inputs for a batch of documents, padded to the longest document in the batch and then up to a multiple
/// of <see cref="WidthQuantum"/>. Rows are laid out row-major ([batch, width]) exactly as the ONNX graph reads them.
/// Padding has weight/mask 0 and id 0.
/// </summary>
internal sealed class FeatureBatch
{
    /// <summary>
    /// Widths are multiples of 16 floats (64 bytes) so that a document's scores do not depend on the other documents
    /// in its batch. ONNX Runtime's CPU kernels for the per-document sums (ReduceSum over tokens, the embedding bag's
    /// MatMul over n-grams) work in SIMD packets, peel unaligned leading elements and add a ragged tail separately.
    /// With an arbitrary width both where row r starts (r x width) and how much padding follows a document change
    /// with the batch, and so does the float summation order: measured, half of random rows summed alone and inside
    /// a wider batch differed in the last bits, and 83 of 100 dev texts scored alone and next to a longer one.
    /// When every row starts on a 64-byte boundary of ORT's 64-byte aligned buffers and spans whole packets (16
    /// floats is an AVX-512 register), each element meets the same accumulator whatever the width and padding only
    /// adds exact zeros, so a text's scores are bit-identical alone or in any batch (BatchIndependenceTests).
    /// </summary>
    public const int WidthQuantum = 16;

    public int Size;
    public int NgramWidth;
    public int TokenWidth;
    public long[] NgramIds = [];
    public float[] NgramWeights = [];
    public long[] LmWords = [];
    public long[] LmContexts = [];
    public long[] LmPairs = [];
    public float[] LmMask = [];
    public float[] Style = [];

    public static FeatureBatch Create(int size, int ngramWidth, int tokenWidth)
    {
        var batch = new FeatureBatch();
        batch.Reset(size, ngramWidth, tokenWidth);
        return batch;
    }

    /// <summary>
    /// Resizes for a new batch, reusing the arrays when they are big enough (so they may be longer than the batch:
    /// only the first Size * width elements are the batch). The used part is zeroed.
    /// </summary>
    public void Reset(int size, int ngramWidth, int tokenWidth)
    {
        Size = size;
        // A zero-width tensor is legal ONNX but some kernels dislike it; padding columns cost next to nothing.
        NgramWidth = Quantize(ngramWidth);
        TokenWidth = Quantize(tokenWidth);
        Fit(ref NgramIds, size * NgramWidth);
        Fit(ref NgramWeights, size * NgramWidth);
        Fit(ref LmWords, size * TokenWidth);
        Fit(ref LmContexts, size * TokenWidth);
        Fit(ref LmPairs, size * TokenWidth);
        Fit(ref LmMask, size * TokenWidth);
        Fit(ref Style, size * StyleStatistics.Count);
    }

    /// <summary>Copies one featurized document into row <paramref name="row"/>.</summary>
    public void Set(int row, DocumentFeatures features)
    {
        var ngrams = Math.Min(features.NgramCount, NgramWidth);
        features.NgramIds.AsSpan(0, ngrams).CopyTo(NgramIds.AsSpan(row * NgramWidth));
        // Mean pooling: every n-gram of the document weighs the same and the weights sum to one.
        NgramWeights.AsSpan(row * NgramWidth, ngrams).Fill(ngrams == 0 ? 0f : 1f / ngrams);
        var tokens = Math.Min(features.TokenCount, TokenWidth);
        features.LmWords.AsSpan(0, tokens).CopyTo(LmWords.AsSpan(row * TokenWidth));
        features.LmContexts.AsSpan(0, tokens).CopyTo(LmContexts.AsSpan(row * TokenWidth));
        features.LmPairs.AsSpan(0, tokens).CopyTo(LmPairs.AsSpan(row * TokenWidth));
        LmMask.AsSpan(row * TokenWidth, tokens).Fill(1f);
        features.Style.CopyTo(Style.AsSpan(row * StyleStatistics.Count));
    }

    static int Quantize(int width) => (Math.Max(1, width) + WidthQuantum - 1) / WidthQuantum * WidthQuantum;

    static void Fit<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[length];
        }
        else
        {
            Array.Clear(array, 0, length);
        }
    }
}

/// <summary>One document's features, copied out of a <see cref="DocumentFeaturizer"/>; reused between batches.</summary>
internal sealed class DocumentFeatures
{
    public long[] NgramIds = new long[1024];
    public int NgramCount;
    public long[] LmWords = new long[256];
    public long[] LmContexts = new long[256];
    public long[] LmPairs = new long[256];
    public int TokenCount;
    public readonly float[] Style = new float[StyleStatistics.Count];

    public void CopyFrom(DocumentFeaturizer featurizer)
    {
        NgramCount = featurizer.NgramCount;
        if (NgramIds.Length < NgramCount)
        {
            NgramIds = new long[featurizer.NgramIds.Length];
        }
        featurizer.NgramIds.AsSpan(0, NgramCount).CopyTo(NgramIds);
        TokenCount = featurizer.LmCount;
        if (LmWords.Length < TokenCount)
        {
            LmWords = new long[featurizer.LmUnigram.Length];
            LmContexts = new long[featurizer.LmUnigram.Length];
            LmPairs = new long[featurizer.LmUnigram.Length];
        }
        featurizer.LmUnigram.AsSpan(0, TokenCount).CopyTo(LmWords);
        featurizer.LmContext.AsSpan(0, TokenCount).CopyTo(LmContexts);
        featurizer.LmBigram.AsSpan(0, TokenCount).CopyTo(LmPairs);
        featurizer.Style.CopyTo(Style);
    }
}
