using System.Security.Cryptography;
using Provenance.Detector.Features;
using Provenance.Detector.Modeling;

namespace Provenance.Detector.Tests.Support;

/// <summary>Small detector networks with random weights, and random batches for them.</summary>
internal static class TinyModels
{
    public static readonly FeatureConfig Config = new()
    {
        NgramBuckets = 1 << 10,
        EmbeddingDim = 8,
        LmUnigramBuckets = 1 << 9,
        LmBigramBuckets = 1 << 11,
        MaxTokens = 64,
        StyleNgramOrder = 3,
        CharNgramMin = 3,
        CharNgramMax = 4,
    };

    public static DetectorNetwork RandomNetwork(int seed, FeatureConfig? config = null)
    {
        config ??= Config;
        var random = new Random(seed);
        var u = config.LmUnigramBuckets;
        var languageModel = new LanguageModelTables(
            Fill(random, u, 1e-5, 1e-2),
            Fill(random, u, 0.05, 1),
            Fill(random, u, -12, -2),
            Fill(random, u, 0.5, 10),
            // Most bigram buckets are empty in a real table; zeros exercise the back-off path.
            Fill(random, config.LmBigramBuckets, 0, 0.5).Select(v => random.Next(3) == 0 ? v : 0f).ToArray(),
            2e-4f);
        var network = new DetectorNetwork(config, hidden: 6, languageModel, Fill(random, config.NgramBuckets, -3, 3));
        Fill(random, network.Embedding, -1, 1);
        Fill(random, network.DenseMean, -1, 1);
        Fill(random, network.DenseScale, 0.2, 2);
        Fill(random, network.W1, -0.5, 0.5);
        Fill(random, network.B1, -0.2, 0.2);
        Fill(random, network.W2, -1, 1);
        Fill(random, network.B2, -0.5, 0.5);
        network.RoundEmbeddingToHalf();
        return network;
    }

    public static ModelManifest Manifest(DetectorNetwork network, byte[] model) => new()
    {
        Name = "tiny",
        Version = "0",
        Created = DateTimeOffset.UnixEpoch,
        Labels = DetectorNetwork.Labels,
        Features = network.Config,
        DenseFeatures = DetectorNetwork.DenseNames(network.Config).ToArray(),
        Network = new NetworkShape(network.Dim, network.Config.NgramBuckets, network.Hidden, "float16", [], DetectorGraph.Probabilities),
        Thresholds = new DetectorThresholds(0.5, 0.5, 0.2, 0.8, 0.9),
        Training = new TrainingRecord("none", "none", 0, 0, 0, 0, 0, 0, "random weights"),
        Metrics = new Dictionary<string, MetricsSummary>(),
        ModelSha256 = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(model)),
    };

    /// <summary>A padded batch of random inputs, with some empty documents and ragged lengths.</summary>
    public static FeatureBatch RandomBatch(Random random, FeatureConfig config, int size)
    {
        var ngramLengths = Enumerable.Range(0, size).Select(i => i == 0 ? 0 : random.Next(1, 40)).ToArray();
        var tokenLengths = Enumerable.Range(0, size).Select(i => i == 0 ? 0 : random.Next(1, 30)).ToArray();
        var batch = FeatureBatch.Create(size, ngramLengths.Max(), tokenLengths.Max());
        for (var row = 0; row < size; row++)
        {
            for (var i = 0; i < ngramLengths[row]; i++)
            {
                batch.NgramIds[row * batch.NgramWidth + i] = random.Next(config.NgramBuckets);
                batch.NgramWeights[row * batch.NgramWidth + i] = 1f / ngramLengths[row];
            }
            for (var t = 0; t < tokenLengths[row]; t++)
            {
                var at = row * batch.TokenWidth + t;
                batch.LmWords[at] = random.Next(config.LmUnigramBuckets);
                batch.LmContexts[at] = random.Next(config.LmUnigramBuckets);
                batch.LmPairs[at] = random.Next(config.LmBigramBuckets);
                batch.LmMask[at] = 1;
            }
            for (var s = 0; s < StyleStatistics.Count; s++)
            {
                batch.Style[row * StyleStatistics.Count + s] = (float)random.NextDouble() * 3;
            }
        }
        return batch;
    }

    static float[] Fill(Random random, int length, double low, double high)
    {
        var values = new float[length];
        Fill(random, values, low, high);
        return values;
    }

    static void Fill(Random random, float[] values, double low, double high)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(low + random.NextDouble() * (high - low));
        }
    }
}
