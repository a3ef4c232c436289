using Microsoft.Extensions.Options;
using Provenance.Testing;
using Provenance.Worker.Hosting;

namespace Provenance.Detection.Tests.Watermarks;

/// <summary>A bad watermark scheme stops the start, naming its keys, and never quotes the secret key.</summary>
public sealed class WatermarkSettingsTests
{
    [Fact]
    public void ABadSchemeStopsTheStartNamingEveryBadKeyButNotTheSecret()
    {
        const string secret = "a-secret-that-must-not-be-printed";

        var error = Assert.Throws<OptionsValidationException>(() => WorkerHosting.Build([], UnreachableWorker.Settings(
            ("Watermarks:Schemes:0:Generator", "test-lm@"),
            ("Watermarks:Schemes:0:Key", secret),
            ("Watermarks:Schemes:0:Gamma", "1"),
            ("Watermarks:Schemes:0:ZThreshold", "0"),
            ("Watermarks:Schemes:0:Tokenizer", "gpt2"),
            ("Watermarks:Schemes:1:Generator", "other-lm@2"))));

        Assert.Contains("Watermarks:Schemes:0:Generator is not a generator", error.Message);
        Assert.Contains("Watermarks:Schemes:0:Gamma is 1", error.Message);
        Assert.Contains("Watermarks:Schemes:0:ZThreshold is 0", error.Message);
        Assert.Contains("Watermarks:Schemes:0:Tokenizer is 'gpt2'", error.Message);
        Assert.Contains("Watermarks:Schemes:1:Key is empty", error.Message);
        Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
    }
}
