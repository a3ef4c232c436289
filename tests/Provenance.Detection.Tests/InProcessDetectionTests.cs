using System.Net;
using System.Net.Http.Json;
using Provenance.Contracts.Documents;
using Provenance.Detector.Scoring;
using Provenance.Testing;

namespace Provenance.Detection.Tests;

/// <summary>
/// The registry as the run command starts it (in-process bus, no broker, no worker) runs the detector itself: a
/// newcomer's first undeclared document gets a verdict within seconds, recorded as a detector assertion.
/// </summary>
public sealed class InProcessDetectionTests(EmbeddedRegistryFixture registry) : IClassFixture<EmbeddedRegistryFixture>
{
    static string Prose(string about) =>
        $"Minutes on {about}: the committee met on Tuesday to review the budget for the coming year. Members raised concerns "
        + "about maintenance costs, and the chair promised a revised estimate before the next meeting. " + Guid.NewGuid().ToString("N");

    async Task<DocumentResponse> WaitForDetectorAsync(long id)
    {
        using var client = registry.Client("curator");
        return await client.WaitForDetectorAsync(id, () => $"API log:\n{registry.Api.Log}");
    }

    [Fact]
    public async Task AnUndeclaredDocumentRegisteredOverHttpGetsAVerdictFromTheDetectorInTheApi()
    {
        using var crawler = registry.Client("crawler");

        var created = await crawler.RegisterAsync(Prose("the harbour"));

        var doc = await WaitForDetectorAsync(created.Id);
        var verdict = doc.Assertions.Single(a => a.Kind == "detector");
        Assert.Equal(DefaultModel.Manifest.ModelId, verdict.AssertedBy);
        Assert.Equal(verdict.Class != "unknown", verdict.Effective);
        Assert.Equal(verdict.Class, doc.Class);
        Assert.InRange(verdict.Evidence!.Value.GetProperty("p_synthetic").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task ASweepIsAcceptedAndClassifiesDocumentsNobodyAskedAbout()
    {
        var ids = await registry.RegisterBehindTheApiAsync(Prose("the library"), Prose("the bridge"));
        using var curator = registry.Client("curator");

        var sweep = await curator.PostAsJsonAsync("/v1/detection/requests", new { scope = "unknown" });

        Assert.Equal(HttpStatusCode.Accepted, sweep.StatusCode);
        foreach (var id in ids)
        {
            Assert.Contains((await WaitForDetectorAsync(id)).Assertions, a => a.Kind == "detector" && a.AssertedBy == DefaultModel.Manifest.ModelId);
        }
    }

    [Fact]
    public void TheStartupLogSaysTheDetectorRunsInProcessWithItsModelAndProvider()
    {
        var log = registry.Api.Log;

        Assert.Contains("the detector runs in process", log);
        Assert.Contains($"Detector {DefaultModel.Manifest.ModelId} loaded in this process on execution provider cpu", log);
    }
}
