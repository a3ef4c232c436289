using Provenance.Detector.Scoring;
using Provenance.Detector.Tests.Support;
using Provenance.Detector.ZeroShot;

namespace Provenance.Detector.Tests.Scoring;

public sealed class DetectorLoaderTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-loader-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void WithoutAZeroShotModelTheShippedDetectorIsLoaded()
    {
        using var plain = DetectorLoader.Load(new DetectorOptions());
        using var empty = DetectorLoader.Load(new DetectorOptions { ZeroShot = new ZeroShotOptions() });

        Assert.IsType<TextDetector>(plain);
        Assert.IsType<TextDetector>(empty);
        Assert.Equal(DefaultModel.Manifest.ModelId, plain.ModelId);
    }

    [Fact]
    public void AZeroShotModelWithItsRuleLoadsTheCombinedDetector()
    {
        var lm = Path.Combine(_directory.FullName, "lm");
        TinyLanguageModel.Random(31).Write(lm, new TinyLanguageModel.Export { Name = "tiny/Tiny-LM" });
        var rulePath = Path.Combine(_directory.FullName, "rule.json");
        File.WriteAllText(rulePath, new CombinationRule(0.9, 0.5, 0.1, 2, 3)
        {
            Classifier = DefaultModel.Manifest.ModelId,
            Scorer = "fast-detect-gpt:tiny-lm",
        }.ToJson());

        using var detector = DetectorLoader.Load(new DetectorOptions { ZeroShot = new ZeroShotOptions { Model = lm, Rule = rulePath } });
        var score = Assert.Single(detector.Score(["ab cd ef gh abcd"]));

        var combined = Assert.IsType<CombinedDetector>(detector);
        Assert.Equal($"{DefaultModel.Manifest.ModelId}+fast-detect-gpt:tiny-lm", combined.ModelId);
        Assert.Equal(DefaultModel.Manifest.Thresholds, combined.Thresholds);
        Assert.InRange(score.PSynthetic, 0, 1);
    }

    [Fact]
    public void AZeroShotModelWithoutARuleIsAConfigurationError()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            DetectorLoader.Load(new DetectorOptions { ZeroShot = new ZeroShotOptions { Model = _directory.FullName } }));

        Assert.Contains("Detector:ZeroShot:Rule", error.Message);
    }

    [Fact]
    public void AMissingRuleFileIsReportedBeforeAnyModelLoads()
    {
        var missing = Path.Combine(_directory.FullName, "no-rule.json");

        var error = Assert.Throws<FileNotFoundException>(() =>
            DetectorLoader.Load(new DetectorOptions { ZeroShot = new ZeroShotOptions { Model = "no-such-folder", Rule = missing } }));

        Assert.Contains("no-rule.json", error.Message);
    }
}
