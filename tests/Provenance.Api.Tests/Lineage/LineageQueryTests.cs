using System.Net.Http.Json;
using Provenance.Testing;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Lineage;

namespace Provenance.Api.Tests.Lineage;

public class LineageQueryTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _reader = registry.Client("curator");

    /// <summary>human ← paraphrase ← translation ← summary, plus a second human parent of the translation.</summary>
    async Task<(long Human, long Paraphrase, long Translation, long Summary, long OtherHuman)> ChainAsync()
    {
        var human = await _crawler.RegisterAsync(TestDocuments.UniqueText("human"), "human");
        var other = await _crawler.RegisterAsync(TestDocuments.UniqueText("other human"), "human");
        var paraphrase = await _crawler.RegisterAsync(TestDocuments.UniqueText("paraphrase"), "synthetic", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(human.Id, Relation: "paraphrase_of"));
        var translation = await _crawler.RegisterAsync(TestDocuments.UniqueText("translation"), "synthetic", "llama-3-70b@1",
            new ParentReferenceRequest(paraphrase.Id, Relation: "translation_of"), new ParentReferenceRequest(other.Id, Relation: "generated_from"));
        var summary = await _crawler.RegisterAsync(TestDocuments.UniqueText("summary"), "mixed", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(translation.Id, Relation: "summary_of"));
        return (human.Id, paraphrase.Id, translation.Id, summary.Id, other.Id);
    }

    [Fact]
    public async Task DepthIsOnePlusTheDeepestParent()
    {
        var chain = await ChainAsync();

        var depths = new List<int?>();
        foreach (var id in new[] { chain.Human, chain.Paraphrase, chain.Translation, chain.Summary })
        {
            depths.Add((await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{id}")).Depth);
        }

        Assert.Equal([0, 1, 2, 3], depths);
    }

    [Fact]
    public async Task AncestorsRespectMaxDepthAndRelationFilter()
    {
        var chain = await ChainAsync();

        var all = await _reader.GetJsonAsync<LineageGraphResponse>($"/v1/documents/{chain.Summary}/ancestors");
        var two = await _reader.GetJsonAsync<LineageGraphResponse>($"/v1/documents/{chain.Summary}/ancestors?maxDepth=2");
        var filtered = await _reader.GetJsonAsync<LineageGraphResponse>($"/v1/documents/{chain.Summary}/ancestors?relation=summary_of,translation_of");

        Assert.Equal(new[] { chain.Summary, chain.Translation, chain.Paraphrase, chain.Human, chain.OtherHuman }.Order(), all.Nodes.Select(n => n.Id).Order());
        Assert.Equal(4, all.Edges.Count);
        Assert.False(all.Truncated);
        Assert.Equal(-3, all.Nodes.Single(n => n.Id == chain.Human).Level);
        Assert.Equal(new[] { chain.Summary, chain.Translation, chain.Paraphrase, chain.OtherHuman }.Order(), two.Nodes.Select(n => n.Id).Order());
        Assert.True(two.Truncated);
        Assert.Equal(new[] { chain.Summary, chain.Translation, chain.Paraphrase }.Order(), filtered.Nodes.Select(n => n.Id).Order());
        Assert.All(filtered.Edges, e => Assert.Contains(e.Relation, new[] { "summary_of", "translation_of" }));
    }

    [Fact]
    public async Task DescendantsAndGraphShowBothDirections()
    {
        var chain = await ChainAsync();

        var descendants = await _reader.GetJsonAsync<LineageGraphResponse>($"/v1/documents/{chain.Human}/descendants");
        var graph = await _reader.GetJsonAsync<LineageGraphResponse>($"/v1/documents/{chain.Translation}/graph?maxDepth=1");

        Assert.Equal(new[] { chain.Human, chain.Paraphrase, chain.Translation, chain.Summary }.Order(), descendants.Nodes.Select(n => n.Id).Order());
        Assert.Equal(3, descendants.Nodes.Single(n => n.Id == chain.Summary).Level);
        Assert.Equal(new[] { chain.Paraphrase, chain.Translation, chain.Summary, chain.OtherHuman }.Order(), graph.Nodes.Select(n => n.Id).Order());
        Assert.Equal(1, graph.Nodes.Single(n => n.Id == chain.Summary).Level);
        Assert.Equal(-1, graph.Nodes.Single(n => n.Id == chain.Paraphrase).Level);
        Assert.Contains(graph.Edges, e => e.Child == chain.Translation && e.Parent == chain.Paraphrase && e.Relation == "translation_of" && e.Generator == "llama-3-70b@1");
    }

    [Fact]
    public async Task RootsAreTheNearestHumanAncestors()
    {
        var chain = await ChainAsync();

        var roots = await _reader.GetJsonAsync<RootsResponse>($"/v1/documents/{chain.Summary}/roots");
        var own = await _reader.GetJsonAsync<RootsResponse>($"/v1/documents/{chain.Human}/roots");

        Assert.Equal(new[] { chain.Human, chain.OtherHuman }.Order(), roots.Roots.Select(r => r.Id).Order());
        Assert.Empty(roots.Unanchored);
        Assert.Equal(chain.Human, Assert.Single(own.Roots).Id);
    }

    [Fact]
    public async Task ASyntheticDocumentWithoutHumanAncestryIsReportedUnanchored()
    {
        var orphan = await _crawler.RegisterAsync(TestDocuments.UniqueText("orphan"), "synthetic");
        var child = await _crawler.RegisterAsync(TestDocuments.UniqueText("child of orphan"), "synthetic", null, new ParentReferenceRequest(orphan.Id, Relation: "augmented_from"));

        var roots = await _reader.GetJsonAsync<RootsResponse>($"/v1/documents/{child.Id}/roots");

        Assert.Empty(roots.Roots);
        Assert.Equal(orphan.Id, Assert.Single(roots.Unanchored).Id);
        Assert.Equal(2, child.Depth);
    }

    [Fact]
    public async Task ACuratorChangingAClassRecomputesDepthsBelow()
    {
        var chain = await ChainAsync();

        var response = await _reader.PostAsJsonAsync($"/v1/documents/{chain.Paraphrase}/assertions", new AssertClassRequest("unknown", Note: "source disputed"));

        var body = (await response.Content.ReadFromJsonAsync<AssertClassResponse>())!;
        Assert.Equal("unknown", body.Class);
        Assert.Null(body.Depth);
        Assert.Null((await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{chain.Translation}")).Depth);
        Assert.Null((await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{chain.Summary}")).Depth);

        await _reader.PostAsJsonAsync($"/v1/documents/{chain.Paraphrase}/assertions", new AssertClassRequest("synthetic"));

        Assert.Equal(3, (await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{chain.Summary}")).Depth);
    }
}
