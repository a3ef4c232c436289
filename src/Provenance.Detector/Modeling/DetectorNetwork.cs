using Provenance.Detector.Features;

namespace Provenance.Detector.Modeling;

/// <summary>
/// The detector's weights and a plain C# forward pass: a fastText-style embedding bag over hashed n-grams,
/// concatenated with standardised style and language-model statistics, then one ReLU layer and a softmax over
/// (human, synthetic, mixed). <see cref="DetectorGraph"/> writes the same computation as ONNX; the C# pass is
/// what training uses and what the graph is tested against.
/// </summary>
internal sealed class DetectorNetwork
{
    public static readonly string[] Labels = ["human", "synthetic", "mixed"];
    public const int Classes = 3;

    public DetectorNetwork(FeatureConfig config, int hidden, LanguageModelTables languageModel, float[] logRatio)
    {
        Config = config;
        Hidden = hidden;
        LanguageModel = languageModel;
        LogRatio = logRatio;
        Embedding = new float[(long)config.NgramBuckets * config.EmbeddingDim];
        DenseMean = new float[DenseCount];
        DenseScale = Enumerable.Repeat(1f, DenseCount).ToArray();
        W1 = new float[InputCount * hidden];
        B1 = new float[hidden];
        W2 = new float[hidden * Classes];
        B2 = new float[Classes];
    }

    public FeatureConfig Config { get; }
    public int Hidden { get; }
    public LanguageModelTables LanguageModel { get; }

    /// <summary>Naive-Bayes log ratio per n-gram bucket (see <see cref="NgramLogRatioCounts"/>).</summary>
    public float[] LogRatio { get; }

    public int Dim => Config.EmbeddingDim;
    public int DenseCount => StyleStatistics.Count + LanguageModelStatistics.Count(Config) + NgramLogRatioStatistics.Count;
    public int InputCount => Dim + DenseCount;

    /// <summary>[NgramBuckets, Dim] row-major.</summary>
    public float[] Embedding;

    /// <summary>Standardisation of the dense statistics: (x - mean) * scale.</summary>
    public float[] DenseMean;
    public float[] DenseScale;

    /// <summary>[InputCount, Hidden] row-major.</summary>
    public float[] W1;
    public float[] B1;

    /// <summary>[Hidden, Classes] row-major.</summary>
    public float[] W2;
    public float[] B2;

    public static IEnumerable<string> DenseNames(FeatureConfig config) =>
        StyleStatistics.Names.Concat(LanguageModelStatistics.Names(config)).Concat(NgramLogRatioStatistics.Names);

    /// <summary>Rounds the embedding to half precision, as it is stored in the ONNX file.</summary>
    public void RoundEmbeddingToHalf()
    {
        for (var i = 0; i < Embedding.Length; i++)
        {
            Embedding[i] = (float)(Half)Embedding[i];
        }
    }

    /// <summary>Mean of the embedding rows of <paramref name="ids"/> (fastText's hidden vector).</summary>
    public void Pool(ReadOnlySpan<int> ids, Span<float> bag)
    {
        bag.Clear();
        if (ids.Length == 0)
        {
            return;
        }
        var dim = Dim;
        foreach (var id in ids)
        {
            var row = Embedding.AsSpan(id * dim, dim);
            for (var d = 0; d < dim; d++)
            {
                bag[d] += row[d];
            }
        }
        var scale = 1f / ids.Length;
        for (var d = 0; d < dim; d++)
        {
            bag[d] *= scale;
        }
    }

    /// <summary>
    /// Input vector, hidden activations and class probabilities for one document, from its pooled bag and raw
    /// (unstandardised) dense statistics. <paramref name="input"/> and <paramref name="hidden"/> are kept for backprop.
    /// </summary>
    public void Forward(ReadOnlySpan<float> bag, ReadOnlySpan<float> dense, Span<float> input, Span<float> hidden, Span<float> probabilities)
    {
        bag.CopyTo(input);
        for (var f = 0; f < DenseCount; f++)
        {
            input[Dim + f] = (dense[f] - DenseMean[f]) * DenseScale[f];
        }
        B1.CopyTo(hidden);
        for (var i = 0; i < InputCount; i++)
        {
            var x = input[i];
            if (x == 0)
            {
                continue;
            }
            var row = W1.AsSpan(i * Hidden, Hidden);
            for (var j = 0; j < Hidden; j++)
            {
                hidden[j] += x * row[j];
            }
        }
        Span<float> logits = stackalloc float[Classes];
        B2.CopyTo(logits);
        for (var j = 0; j < Hidden; j++)
        {
            var h = hidden[j] = MathF.Max(hidden[j], 0);
            if (h == 0)
            {
                continue;
            }
            for (var k = 0; k < Classes; k++)
            {
                logits[k] += h * W2[j * Classes + k];
            }
        }
        Softmax(logits, probabilities);
    }

    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            max = MathF.Max(max, l);
        }
        var sum = 0f;
        for (var k = 0; k < logits.Length; k++)
        {
            probabilities[k] = MathF.Exp(logits[k] - max);
            sum += probabilities[k];
        }
        for (var k = 0; k < logits.Length; k++)
        {
            probabilities[k] /= sum;
        }
    }

    /// <summary>
    /// The reference for the ONNX graph: probabilities [Size, 3] for a padded batch, computed the slow, obvious way.
    /// </summary>
    public float[] Reference(FeatureBatch batch)
    {
        var result = new float[batch.Size * Classes];
        var dense = new float[DenseCount];
        var bag = new float[Dim];
        var input = new float[InputCount];
        var hidden = new float[Hidden];
        var thresholds = Config.LmLogProbThresholds;
        for (var b = 0; b < batch.Size; b++)
        {
            Array.Clear(bag);
            float ratioSum = 0, ratioSquares = 0;
            for (var i = 0; i < batch.NgramWidth; i++)
            {
                var w = batch.NgramWeights[b * batch.NgramWidth + i];
                var id = batch.NgramIds[b * batch.NgramWidth + i];
                for (var d = 0; d < Dim; d++)
                {
                    bag[d] += w * Embedding[id * Dim + d];
                }
                ratioSum += w * LogRatio[id];
                ratioSquares += w * LogRatio[id] * LogRatio[id];
            }
            var tokens = 0;
            while (tokens < batch.TokenWidth && batch.LmMask[b * batch.TokenWidth + tokens] > 0)
            {
                tokens++;
            }
            batch.Style.AsSpan(b * StyleStatistics.Count, StyleStatistics.Count).CopyTo(dense);
            var offset = b * batch.TokenWidth;
            LanguageModelStatistics.Compute(LanguageModel, thresholds,
                batch.LmWords.AsSpan(offset, tokens), batch.LmContexts.AsSpan(offset, tokens),
                batch.LmPairs.AsSpan(offset, tokens), dense.AsSpan(StyleStatistics.Count));
            var nb = StyleStatistics.Count + LanguageModelStatistics.Count(Config);
            dense[nb] = ratioSum;
            dense[nb + 1] = MathF.Sqrt(MathF.Max(ratioSquares - ratioSum * ratioSum, 0) + LanguageModelStatistics.StdEpsilon);
            Forward(bag, dense, input, hidden, result.AsSpan(b * Classes, Classes));
        }
        return result;
    }
}
