using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Provenance.Detector.Scoring;
using Provenance.Testing;

namespace Provenance.Api.Tests.Detection;

/// <summary>The run command's configuration with <c>Detection:InProcess=false</c>: no broker, and no detector.</summary>
public sealed class NoDetectorRegistryFixture : RegistryFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Detection:InProcess"] = "false" };
}

public sealed class DetectionOffTests(NoDetectorRegistryFixture registry) : IClassFixture<NoDetectorRegistryFixture>
{
    [Fact]
    public async Task WithoutABrokerAndWithDetectionInProcessOffTheApiLoadsNoModelAndDetectionRequestsAnswer503()
    {
        var curator = registry.Client("curator");

        var sweep = await curator.PostAsJsonAsync("/v1/detection/requests", new { scope = "unknown" });

        var problem = await sweep.ProblemAsync(HttpStatusCode.ServiceUnavailable, "detection_unavailable");
        Assert.Contains("Detection:InProcess=false", problem.GetProperty("detail").GetString());
        Assert.Null(registry.Services.GetService<ITextDetector>());
    }
}
