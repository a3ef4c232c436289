using System.Security.Cryptography;
using Provenance.Detector.Scoring;

namespace Provenance.Detector.Tests.Scoring;

public class DefaultModelTests
{
    [Fact]
    public void TheShippedModelIsEmbeddedWithTheManifestThatDescribesIt()
    {
        var model = DefaultModel.ReadModel();

        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(model));

        Assert.True(DefaultModel.IsAvailable);
        Assert.Equal(DefaultModel.Manifest.ModelSha256, digest);
        Assert.Equal(["human", "synthetic", "mixed"], DefaultModel.Manifest.Labels);
        Assert.True(model.Length < 25 * 1024 * 1024, $"the shipped model is {model.Length} bytes");
    }

    [Fact]
    public void ScoresFollowTheContractForEveryText()
    {
        using var detector = TextDetector.Load();
        string[] texts = ["", "ok", "The quick brown fox jumps over the lazy dog. " + new string('a', 20_000), "Short text, in English."];

        var scores = detector.Score(texts);

        Assert.Equal(texts.Length, scores.Count);
        Assert.All(scores, s =>
        {
            Assert.InRange(s.PHuman, 0, 1);
            Assert.Equal(1 - s.PHuman, s.PSynthetic, 5);
            Assert.InRange(s.PMixed, 0, s.PSynthetic + 1e-6f);
            Assert.Equal(DetectorDecision.Classify(s.PHuman, s.PMixed, detector.Thresholds), s.Class);
        });
    }

    [Fact]
    public void BatchSizeDoesNotChangeScores()
    {
        var texts = Enumerable.Range(0, 40).Select(i => string.Join(' ', Enumerable.Repeat($"token{i % 7} and more words", i + 1))).ToArray();
        using var small = TextDetector.Load(new DetectorOptions { MaxBatch = 3 });
        using var large = TextDetector.Load(new DetectorOptions { MaxBatch = 64 });

        var a = small.Score(texts);
        var b = large.Score(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(a[i].PHuman, b[i].PHuman, 5);
        }
    }

    [Fact]
    public void AModelFileWithAMismatchedManifestIsRejected()
    {
        var directory = Directory.CreateTempSubdirectory("provenance-model-");
        try
        {
            var model = Path.Combine(directory.FullName, "m.onnx");
            var bytes = DefaultModel.ReadModel();
            bytes[^1] ^= 0xFF;
            File.WriteAllBytes(model, bytes);
            File.WriteAllText(Path.Combine(directory.FullName, "m.manifest.json"), DefaultModel.Manifest.ToJson());

            var error = Assert.Throws<InvalidDataException>(() => TextDetector.Load(model));

            Assert.Contains("different model file", error.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
