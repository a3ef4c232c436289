using Provenance.Detector.Features;
using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;
using Provenance.Detector.Tests.Support;

namespace Provenance.Detector.Tests.Modeling;

public class DetectorGraphTests
{
    [Theory]
    [InlineData(1, 1, 8)]
    [InlineData(2, 7, 8)]
    [InlineData(3, 32, 8)]
    [InlineData(4, 7, 0)]
    public void OnnxRuntimeComputesWhatTheCSharpReferenceComputes(int seed, int batchSize, int embeddingDim)
    {
        var network = TinyModels.RandomNetwork(seed, TinyModels.Config with { EmbeddingDim = embeddingDim });
        var model = DetectorGraph.Build(network, new Dictionary<string, string>());
        using var detector = TextDetector.Create(model, TinyModels.Manifest(network, model));
        var batch = TinyModels.RandomBatch(new Random(seed), network.Config, batchSize);

        var onnx = detector.Run(batch);
        var reference = network.Reference(batch);

        Assert.Equal(reference.Length, onnx.Length);
        for (var i = 0; i < reference.Length; i++)
        {
            Assert.True(Math.Abs(reference[i] - onnx[i]) < 1e-4, $"probability {i}: reference {reference[i]}, ONNX Runtime {onnx[i]}");
        }
    }

    [Fact]
    public void ScoringTextsGivesTheReferenceProbabilitiesOfTheirFeatures()
    {
        var network = TinyModels.RandomNetwork(4);
        var model = DetectorGraph.Build(network, new Dictionary<string, string>());
        using var detector = TextDetector.Create(model, TinyModels.Manifest(network, model), new DetectorOptions { MaxBatch = 2 });
        string[] texts = ["A short one.", "", "Several sentences here. Another follows, with a comma! And a question?", "x"];
        var featurizer = new DocumentFeaturizer(network.Config);
        var documents = texts.Select(t =>
        {
            featurizer.Featurize(t);
            var features = new DocumentFeatures();
            features.CopyFrom(featurizer);
            return features;
        }).ToArray();
        var batch = FeatureBatch.Create(texts.Length, documents.Max(d => d.NgramCount), documents.Max(d => d.TokenCount));
        for (var i = 0; i < texts.Length; i++)
        {
            batch.Set(i, documents[i]);
        }

        var scored = detector.Probabilities(texts);
        var reference = network.Reference(batch);

        for (var i = 0; i < reference.Length; i++)
        {
            Assert.True(Math.Abs(reference[i] - scored[i]) < 1e-4, $"probability {i}: reference {reference[i]}, scored {scored[i]}");
        }
    }

    [Fact]
    public void ProbabilitiesOfEveryDocumentSumToOne()
    {
        var network = TinyModels.RandomNetwork(5);
        var model = DetectorGraph.Build(network, new Dictionary<string, string>());
        using var detector = TextDetector.Create(model, TinyModels.Manifest(network, model));

        var probabilities = detector.Probabilities(["one", "two words", "", "three little words"]);

        for (var i = 0; i < probabilities.Length; i += 3)
        {
            Assert.Equal(1.0, probabilities[i] + probabilities[i + 1] + probabilities[i + 2], 5);
        }
    }
}
