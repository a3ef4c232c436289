using Microsoft.Extensions.Logging;
using Provenance.Detector.Scoring;
using Provenance.Detector.Tests.Support;

namespace Provenance.Detector.Tests.Scoring;

public class ExecutionProviderTests
{
    [Theory]
    [InlineData("cuda")]
    [InlineData("tensorrt")]
    public void AGpuProviderThatCannotLoadFallsBackToCpuWithAWarningAndStillScores(string provider)
    {
        Assert.SkipWhen(Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"),
            "This build has the CUDA provider, so there is no fallback to observe.");
        var logger = new ListLogger();

        using var detector = TextDetector.Load(new DetectorOptions { ExecutionProvider = provider }, logger);
        var scores = detector.Score(["A few words to score."]);

        Assert.Equal("cpu", detector.ExecutionProvider);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(provider) && e.Message.Contains("falling back to CPU"));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("execution provider cpu"));
        Assert.InRange(Assert.Single(scores).PSynthetic, 0, 1);
    }

    [Fact]
    public void TheProviderInUseIsLoggedAtStart()
    {
        var logger = new ListLogger();

        using var detector = TextDetector.Load(new DetectorOptions(), logger);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains(DefaultModel.Manifest.ModelId, entry.Message);
        Assert.Contains("cpu", entry.Message);
    }

    [Fact]
    public void AnUnknownProviderIsAConfigurationError()
    {
        var error = Assert.Throws<ArgumentException>(() => TextDetector.Load(new DetectorOptions { ExecutionProvider = "tpu" }));

        Assert.Contains("tpu", error.Message);
    }
}
