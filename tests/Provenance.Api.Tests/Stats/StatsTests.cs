using System.Text.Json;
using Provenance.Testing;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Stats;

namespace Provenance.Api.Tests.Stats;

public class StatsTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task StatsCountDocumentsByClassGeneratorAndDepthWithTheDetectorBacklogAndTheLatestRegistrations()
    {
        var crawler = registry.Client("crawler");
        var human = await crawler.RegisterAsync(TestDocuments.UniqueText(), "human");
        var synthetic = await crawler.RegisterAsync(TestDocuments.UniqueText(), "synthetic", "stats-model@1", new ParentReferenceRequest(human.Id, Relation: "generated_from"));
        var mixed = await crawler.RegisterAsync(TestDocuments.UniqueText(), "mixed", "stats-model@1", new ParentReferenceRequest(synthetic.Id, Relation: "edited_from"));
        var unknown = await crawler.RegisterAsync(TestDocuments.UniqueText());

        var stats = await registry.Client("trainer").GetJsonAsync<StatsResponse>("/v1/stats");

        Assert.Equal(4, stats.Documents);
        Assert.Equal(new Dictionary<string, long> { ["unknown"] = 1, ["human"] = 1, ["synthetic"] = 1, ["mixed"] = 1 }, stats.ByClass);
        Assert.Equal(2, stats.ByGenerator.Single(g => g.Generator == "stats-model@1").Documents);
        Assert.Equal([(0, 1L), (1, 1L), (2, 1L), ((int?)null, 1L)], stats.ByDepth.Select(d => (d.Depth, d.Documents)));
        Assert.Equal(2, stats.Edges);
        // The detector is off in this fixture: the one undeclared document waits for it.
        Assert.Equal(1, stats.AwaitingDetector);
        Assert.Equal([unknown.Id, mixed.Id, synthetic.Id, human.Id], stats.Recent.Select(d => d.Id));
        Assert.Equal(human.ContentHash, stats.Recent[^1].ContentHash);
        Assert.Equal("unknown", stats.Recent[0].Class);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheApiWithoutAKey()
    {
        var client = registry.Client(role: null);

        var json = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var docs = await client.GetAsync("/docs/");

        Assert.True(json.GetProperty("paths").TryGetProperty("/v1/documents/{ref}/roots", out _));
        Assert.Equal("X-Api-Key", json.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.True(docs.IsSuccessStatusCode);
    }
}
