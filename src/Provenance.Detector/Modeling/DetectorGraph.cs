using Microsoft.ML.OnnxRuntime.Tensors;
using Provenance.Detector.Features;
using Provenance.Detector.Onnx;

namespace Provenance.Detector.Modeling;

/// <summary>
/// Writes a <see cref="DetectorNetwork"/> as an ONNX graph. The C# featurizer only hashes; every table lookup,
/// the pooling, the language-model statistics and the classifier run inside the graph, so on a GPU node the
/// execution provider does the heavy part.
/// </summary>
internal static class DetectorGraph
{
    public const string NgramIds = "ngram_ids";
    public const string NgramWeights = "ngram_weights";
    public const string LmWords = "lm_words";
    public const string LmContexts = "lm_contexts";
    public const string LmPairs = "lm_pairs";
    public const string LmMask = "lm_mask";
    public const string Style = "style";
    public const string Probabilities = "probabilities";

    public static byte[] Build(DetectorNetwork net, IReadOnlyDictionary<string, string> metadata)
    {
        var g = new OnnxGraphBuilder("provenance_detector");
        g.Input(NgramIds, TensorElementType.Int64, "batch", "ngrams")
         .Input(NgramWeights, TensorElementType.Float, "batch", "ngrams")
         .Input(LmWords, TensorElementType.Int64, "batch", "tokens")
         .Input(LmContexts, TensorElementType.Int64, "batch", "tokens")
         .Input(LmPairs, TensorElementType.Int64, "batch", "tokens")
         .Input(LmMask, TensorElementType.Float, "batch", "tokens")
         .Input(Style, TensorElementType.Float, "batch", StyleStatistics.Count)
         .Output(Probabilities, TensorElementType.Float, "batch", DetectorNetwork.Classes);

        var axis1 = g.ConstantInt64(1);
        var axis2 = g.ConstantInt64(2);

        // Embedding bag: gather rows, then a batched [1 x ngrams] x [ngrams x dim] product does the weighted mean.
        string? bag = null;
        if (net.Dim > 0)
        {
            var table = g.InitializerHalf("ngram_embedding", net.Embedding, net.Config.NgramBuckets, net.Dim);
            var rows = g.Node("Gather", [table, NgramIds], OnnxAttribute.Int("axis", 0));
            var rowsFloat = g.Node("Cast", [rows], OnnxAttribute.Int("to", (long)TensorElementType.Float));
            var weightRow = g.Node("Unsqueeze", [NgramWeights, axis1]);
            var pooled = g.Node("MatMul", [weightRow, rowsFloat]);
            bag = g.Node("Squeeze", [pooled, axis1]);
        }

        var lm = LanguageModelFeatures(g, net, axis1, axis2);
        var ratios = g.Node("Gather", [g.Initializer("nb_log_ratio", net.LogRatio, net.Config.NgramBuckets), NgramIds]);
        var weightedRatios = g.Node("Mul", [ratios, NgramWeights]);
        var ratioMean = SumTokens(g, weightedRatios, axis1);
        var ratioSquare = SumTokens(g, g.Node("Mul", [weightedRatios, ratios]), axis1);
        var ratioStd = g.Node("Sqrt", [g.Node("Add", [g.Node("Relu", [g.Node("Sub", [ratioSquare, g.Node("Mul", [ratioMean, ratioMean])])]),
            g.Constant(LanguageModelStatistics.StdEpsilon)])]);
        var dense = g.Node("Concat", [Style, lm, ratioMean, ratioStd], OnnxAttribute.Int("axis", 1));
        var centred = g.Node("Sub", [dense, g.Initializer("dense_mean", net.DenseMean, net.DenseCount)]);
        var standardised = g.Node("Mul", [centred, g.Initializer("dense_scale", net.DenseScale, net.DenseCount)]);

        var input = bag is null ? standardised : g.Node("Concat", [bag, standardised], OnnxAttribute.Int("axis", 1));
        var w1 = g.Initializer("w1", net.W1, net.InputCount, net.Hidden);
        var b1 = g.Initializer("b1", net.B1, net.Hidden);
        var hidden = g.Node("Relu", [g.Node("Add", [g.Node("MatMul", [input, w1]), b1])]);
        var w2 = g.Initializer("w2", net.W2, net.Hidden, DetectorNetwork.Classes);
        var b2 = g.Initializer("b2", net.B2, DetectorNetwork.Classes);
        var logits = g.Node("Add", [g.Node("MatMul", [hidden, w2]), b2]);
        g.NodeNamed("Softmax", [logits], Probabilities, OnnxAttribute.Int("axis", 1));

        return g.ToBytes(metadata, "Provenance AI-text detector: P(human, synthetic, mixed) per document.");
    }

    /// <summary>The graph version of <see cref="LanguageModelStatistics.Compute"/>; keep the two in step.</summary>
    static string LanguageModelFeatures(OnnxGraphBuilder g, DetectorNetwork net, string axis1, string axis2)
    {
        var tables = net.LanguageModel;
        var u = net.Config.LmUnigramBuckets;
        var unigram = g.Node("Gather", [g.Initializer("lm_unigram", tables.Unigram, u), LmWords]);
        var backoff = g.Node("Gather", [g.Initializer("lm_backoff", tables.Backoff, u), LmContexts]);
        var bigram = g.Node("Gather", [g.Initializer("lm_bigram", tables.Bigram, net.Config.LmBigramBuckets), LmPairs]);
        var expected = g.Node("Gather", [g.Initializer("lm_mean", tables.Mean, u), LmContexts]);
        var variance = g.Node("Gather", [g.Initializer("lm_variance", tables.Variance, u), LmContexts]);
        var logProb = g.Node("Log", [g.Node("Add", [bigram, g.Node("Mul", [backoff, unigram])])]);

        var count = g.Node("Max", [SumTokens(g, LmMask, axis1), g.Constant(1f)]);
        var maskedLogProb = g.Node("Mul", [logProb, LmMask]);
        var mean = g.Node("Div", [SumTokens(g, maskedLogProb, axis1), count]);
        var meanSquare = g.Node("Div", [SumTokens(g, g.Node("Mul", [maskedLogProb, logProb]), axis1), count]);
        var spread = g.Node("Relu", [g.Node("Sub", [meanSquare, g.Node("Mul", [mean, mean])])]);
        var std = g.Node("Sqrt", [g.Node("Add", [spread, g.Constant(LanguageModelStatistics.StdEpsilon)])]);

        var thresholds = g.Initializer("lm_thresholds", net.Config.LmLogProbThresholds.ToArray(), net.Config.LmLogProbThresholds.Count);
        var below = g.Node("Cast", [g.Node("Less", [g.Node("Unsqueeze", [logProb, axis2]), thresholds])],
            OnnxAttribute.Int("to", (long)TensorElementType.Float));
        var belowMasked = g.Node("Mul", [below, g.Node("Unsqueeze", [LmMask, axis2])]);
        var shares = g.Node("Div", [g.Node("ReduceSum", [belowMasked, axis1], OnnxAttribute.Int("keepdims", 0)), count]);

        var difference = SumTokens(g, g.Node("Mul", [g.Node("Sub", [logProb, expected]), LmMask]), axis1);
        var meanDifference = g.Node("Div", [difference, count]);
        var totalVariance = SumTokens(g, g.Node("Mul", [variance, LmMask]), axis1);
        var curvature = g.Node("Div", [difference, g.Node("Sqrt", [g.Node("Add", [totalVariance, g.Constant(LanguageModelStatistics.StdEpsilon)])])]);
        var meanExpected = g.Node("Div", [SumTokens(g, g.Node("Mul", [expected, LmMask]), axis1), count]);

        var unigramLog = g.Node("Log", [unigram]);
        var unigramMean = g.Node("Div", [SumTokens(g, g.Node("Mul", [unigramLog, LmMask]), axis1), count]);
        var unigramSquare = g.Node("Div", [SumTokens(g, g.Node("Mul", [g.Node("Mul", [unigramLog, unigramLog]), LmMask]), axis1), count]);
        var unigramStd = g.Node("Sqrt", [g.Node("Add", [g.Node("Relu", [g.Node("Sub", [unigramSquare, g.Node("Mul", [unigramMean, unigramMean])])]),
            g.Constant(LanguageModelStatistics.StdEpsilon)])]);
        var unseen = g.Node("Cast", [g.Node("Less", [unigram, g.Constant(tables.UnseenBelow)])], OnnxAttribute.Int("to", (long)TensorElementType.Float));
        var unseenShare = g.Node("Div", [SumTokens(g, g.Node("Mul", [unseen, LmMask]), axis1), count]);
        var seen = g.Node("Cast", [g.Node("Greater", [bigram, g.Constant(0f)])], OnnxAttribute.Int("to", (long)TensorElementType.Float));
        var seenShare = g.Node("Div", [SumTokens(g, g.Node("Mul", [seen, LmMask]), axis1), count]);

        return g.Node("Concat", [mean, std, shares, meanDifference, curvature, meanExpected, unigramMean, unigramStd, unseenShare, seenShare],
            OnnxAttribute.Int("axis", 1));
    }

    /// <summary>Sum over the token axis, keeping it so per-document scalars stay [batch, 1].</summary>
    static string SumTokens(OnnxGraphBuilder g, string value, string axis1) =>
        g.Node("ReduceSum", [value, axis1], OnnxAttribute.Int("keepdims", 1));
}
