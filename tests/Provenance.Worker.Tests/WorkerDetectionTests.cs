using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Ingestion;
using Provenance.Data.Assertions;
using Provenance.Data.Registration;
using Provenance.Detector.Scoring;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using Provenance.Messaging.Ingestion;
using Provenance.Testing;

namespace Provenance.Worker.Tests;

/// <summary>
/// Documents that arrive without a class are classified by a detector worker over RabbitMQ, and the verdicts show up
/// in the registry as detector assertions: evidence that a declaration or a curator still outranks.
/// </summary>
public sealed class WorkerDetectionTests(DetectionRegistryFixture registry) : IClassFixture<DetectionRegistryFixture>
{
    Task<DocumentResponse> WaitForDetectorAsync(long id) =>
        registry.Client("curator").WaitForDetectorAsync(id, () => $"Worker log:\n{registry.WorkerLog.Text}\nAPI log:\n{registry.Log.Text}");

    static string Prose(int i) =>
        $"Record {i}: the committee met on Tuesday to review the budget for the coming year. Members raised concerns about "
        + "maintenance costs, and the chair promised a revised estimate before the next meeting. " + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task UnknownDocumentsArrivingOverTheBusAreClassifiedAndTheVerdictIsEvidence()
    {
        await using var sink = await BusBatchSink.StartAsync(TestBroker.Address, TimeSpan.FromSeconds(20), CancellationToken.None, registry.Queue);
        var crawled = DateTimeOffset.UtcNow.AddMinutes(-1);
        var unknown = new IncomingDocument(Prose(1), "https://detect.example/1", crawled);
        var declared = new IncomingDocument(Prose(2), "https://detect.example/2", crawled, Declared: new DeclaredProvenanceMessage("human"));

        await sink.SendAsync(new RegisterDocuments(Guid.NewGuid(), "crawler-detect", [unknown, declared]), CancellationToken.None);

        var client = registry.Client("curator");
        var unknownId = (await client.GetJsonAsync<DocumentResponse>($"/v1/documents/{TestDocuments.HashOf(unknown.Text)}")).Id;
        var doc = await WaitForDetectorAsync(unknownId);
        var verdict = doc.Assertions.Single(a => a.Kind == "detector");
        Assert.StartsWith("provenance-detector@", verdict.AssertedBy);
        Assert.Contains(verdict.Class, new[] { "human", "synthetic", "mixed", "unknown" });
        Assert.Equal(verdict.Class, doc.Class);
        // A verdict decides the class; an abstention (unknown) claims nothing, carries no confidence, and decides nothing.
        Assert.Equal(verdict.Class != "unknown", verdict.Effective);
        Assert.Equal(verdict.Class != "unknown", verdict.Confidence is >= 0 and <= 1);
        var evidence = verdict.Evidence!.Value;
        Assert.InRange(evidence.GetProperty("p_synthetic").GetDouble(), 0, 1);
        Assert.True(evidence.GetProperty("thresholds").TryGetProperty("synthetic", out _));
        Assert.True(evidence.TryGetProperty("segments", out _));
        var declaredDoc = await client.GetJsonAsync<DocumentResponse>($"/v1/documents/{TestDocuments.HashOf(declared.Text)}");
        Assert.DoesNotContain(declaredDoc.Assertions, a => a.Kind == "detector");
    }

    [Fact]
    public async Task ASweepClassifiesUnknownDocumentsAndARescoreReplacesOlderVerdicts()
    {
        var writer = registry.GetService<RegistrationWriter>();
        var results = await writer.RegisterAsync([new DocumentSubmission(Prose(3)), new DocumentSubmission(Prose(4))], "backfill", CancellationToken.None);
        var (swept, older) = (results[0].Id!.Value, results[1].Id!.Value);
        await registry.GetService<AssertionWriter>().AppendAsync(
            [new NewAssertion(older, AssertionKind.Detector, "provenance-detector@0.9.0", ProvenanceClass.Synthetic, 0.6)], CancellationToken.None);
        var curator = registry.Client("curator");

        var sweep = await curator.PostAsJsonAsync("/v1/detection/requests", new { scope = "unknown" });
        var rescore = await curator.PostAsJsonAsync("/v1/detection/requests", new { scope = "rescore", model = Provenance.Detector.Scoring.DefaultModel.Manifest.ModelId });

        Assert.Equal(System.Net.HttpStatusCode.Accepted, sweep.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, rescore.StatusCode);
        Assert.Contains("detector", (await WaitForDetectorAsync(swept)).Assertions.Select(a => a.Kind));
        var rescored = await WaitForAsync(older, d => d.Assertions.Any(a => a.AssertedBy == Provenance.Detector.Scoring.DefaultModel.Manifest.ModelId));
        Assert.Equal(2, rescored.Assertions.Count(a => a.Kind == "detector"));
    }

    [Fact]
    public async Task ARescoreNamingAModelTheWorkersDoNotRunIsLoggedAndRecordsNoVerdictThatRepeatsTheLastOne()
    {
        var writer = registry.GetService<RegistrationWriter>();
        var results = await writer.RegisterAsync([new DocumentSubmission(Prose(5)), new DocumentSubmission(Prose(6))], "backfill", CancellationToken.None);
        var (scored, noisy) = (results[0].Id!.Value, results[1].Id!.Value);
        var curator = registry.Client("curator");
        await curator.PostAsJsonAsync("/v1/detection/requests", new { scope = "unknown" });
        await WaitForDetectorAsync(scored);
        var verdict = (await WaitForDetectorAsync(noisy)).Assertions.Single(a => a.Kind == "detector");
        // The same verdict again, with evidence that differs only in float digits, as a rescore in another batch
        // composition or on another execution provider could produce it; recorded as an older build would have.
        var evidence = System.Text.Json.Nodes.JsonNode.Parse(verdict.Evidence!.Value.GetRawText())!.AsObject();
        evidence["p_human"] = evidence["p_human"]!.GetValue<double>() * (1 + 1e-5) + 1e-12;
        await registry.GetService<AssertionWriter>().AppendAsync([new NewAssertion(noisy, AssertionKind.Detector, verdict.AssertedBy,
            Enum.Parse<ProvenanceClass>(verdict.Class, ignoreCase: true), verdict.Confidence, EvidenceJson: evidence.ToJsonString())],
            CancellationToken.None);
        const string other = "provenance-detector@99.0.0";

        var rescore = await curator.PostAsJsonAsync("/v1/detection/requests", new { scope = "rescore", model = other });

        Assert.Equal(System.Net.HttpStatusCode.Accepted, rescore.StatusCode);
        var log = await WaitForWorkerLogAsync(text => text.IndexOf($"A rescore for {other}", StringComparison.Ordinal) is var at and >= 0
            && text.IndexOf("Scored ", at, StringComparison.Ordinal) >= 0);
        Assert.Contains($"which runs {verdict.AssertedBy}", log);
        Assert.Single((await curator.GetJsonAsync<DocumentResponse>($"/v1/documents/{scored}")).Assertions, a => a.Kind == "detector");
        Assert.Equal(2, (await curator.GetJsonAsync<DocumentResponse>($"/v1/documents/{noisy}")).Assertions.Count(a => a.Kind == "detector"));
    }

    async Task<string> WaitForWorkerLogAsync(Func<string, bool> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            var text = registry.WorkerLog.Text;
            if (condition(text))
            {
                return text;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the worker did not log what was expected within 30 s. Worker log:\n{registry.WorkerLog.Text}");
    }

    [Fact]
    public void WithABrokerTheApiLeavesTheDetectorToTheWorkersAndLoadsNoModel()
    {
        var detector = registry.Services.GetService<ITextDetector>();

        Assert.Null(detector);
    }

    [Fact]
    public async Task DetectionRequestsAreValidated()
    {
        var curator = registry.Client("curator");

        var badScope = await curator.PostAsJsonAsync("/v1/detection/requests", new { scope = "everything" });
        var badModel = await curator.PostAsJsonAsync("/v1/detection/requests", new { scope = "rescore", model = "no-version" });
        var forbidden = await registry.Client("trainer").PostAsJsonAsync("/v1/detection/requests", new { scope = "unknown" });

        await badScope.ProblemAsync(System.Net.HttpStatusCode.BadRequest, "invalid_scope");
        await badModel.ProblemAsync(System.Net.HttpStatusCode.BadRequest, "invalid_model");
        await forbidden.ProblemAsync(System.Net.HttpStatusCode.Forbidden, "forbidden");
    }

    async Task<DocumentResponse> WaitForAsync(long id, Func<DocumentResponse, bool> condition)
    {
        var client = registry.Client("curator");
        for (var i = 0; i < 300; i++)
        {
            var doc = await client.GetJsonAsync<DocumentResponse>($"/v1/documents/{id}");
            if (condition(doc))
            {
                return doc;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"document {id} did not reach the expected state within 30 s. Worker log:\n{registry.WorkerLog.Text}\nAPI log:\n{registry.Log.Text}");
    }
}
