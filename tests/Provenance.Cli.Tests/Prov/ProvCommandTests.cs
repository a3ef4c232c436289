using System.Text.Json;
using Provenance.Testing;

namespace Provenance.Cli.Tests.Prov;

public sealed class ProvCommandTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly CliRunner _cli = new(registry);

    [Fact]
    public async Task ProvPrintsALineageOrADatasetVersionAsPROVJSON()
    {
        var crawler = registry.Client("crawler");
        var human = await crawler.RegisterAsync(TestDocuments.UniqueText("human"), "human");
        var child = await crawler.RegisterAsync(TestDocuments.UniqueText("child"), "synthetic", "gpt-4o@2024-08-06",
            new Contracts.Documents.ParentReferenceRequest(human.Id, Relation: "edited_from"));
        var domain = DatasetRequests.NewDomain();
        await crawler.RegisterAsync(domain, "human", 4);
        var version = await registry.Client("trainer").AssembleAsync(DatasetRequests.Spec("cli-prov", domain, 4, minHuman: 1));

        var lineage = await _cli.RunAsync("trainer", "prov", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var dataset = await _cli.RunAsync("trainer", "prov", version.Ref, "--dataset");
        var mixedUp = await _cli.RunAsync("trainer", "prov", version.Ref, "--dataset", "--max-depth", "2");

        Assert.True(lineage.Exit == 0, lineage.Err);
        var derivation = Assert.Single(JsonDocument.Parse(lineage.Out).RootElement.GetProperty("wasDerivedFrom").EnumerateObject()).Value;
        Assert.Equal("doc:" + child.ContentHash, derivation.GetProperty("prov:generatedEntity").GetString());
        Assert.Equal("doc:" + human.ContentHash, derivation.GetProperty("prov:usedEntity").GetString());
        Assert.Equal("prov:Revision", derivation.GetProperty("prov:type").GetProperty("$").GetString());
        Assert.True(dataset.Exit == 0, dataset.Err);
        Assert.True(JsonDocument.Parse(dataset.Out).RootElement.GetProperty("entity").TryGetProperty("dataset:cli-prov@1", out _));
        Assert.Equal(1, mixedUp.Exit);
        Assert.Contains("a dataset version has none to walk", mixedUp.Err);
    }
}
