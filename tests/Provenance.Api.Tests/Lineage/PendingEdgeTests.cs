using System.Net.Http.Json;
using Provenance.Testing;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Lineage;

namespace Provenance.Api.Tests.Lineage;

public class PendingEdgeTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _reader = registry.Client("trainer");

    [Fact]
    public async Task AChildRegisteredBeforeItsParentIsResolvedWhenTheParentArrives()
    {
        var human = TestDocuments.UniqueText("human original");
        var child = TestDocuments.UniqueText("paraphrase");
        var grandchild = await _crawler.RegisterAsync(TestDocuments.UniqueText("grandchild"), "synthetic", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(ContentHash: TestDocuments.HashOf(child), Relation: "paraphrase_of"));
        Assert.Null(grandchild.Depth);
        Assert.Equal(1, grandchild.PendingParents);

        var c = await _crawler.RegisterAsync(child, "synthetic", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(ContentHash: TestDocuments.HashOf(human), Relation: "paraphrase_of"));
        var afterChild = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{grandchild.Id}");
        var h = await _crawler.RegisterAsync(human, "human");

        Assert.Empty(afterChild.PendingParents);
        Assert.Null(afterChild.Depth);
        var g = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{grandchild.Id}");
        Assert.Equal(2, g.Depth);
        Assert.Equal(c.Id, Assert.Single(g.Parents).Id);
        Assert.Equal(1, (await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{c.Id}")).Depth);
        var roots = await _reader.GetJsonAsync<RootsResponse>($"/v1/documents/{grandchild.Id}/roots");
        Assert.Equal(h.Id, Assert.Single(roots.Roots).Id);
        Assert.Empty(roots.Pending);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM pending_edges WHERE child_id = ANY(@ids)", ("ids", new[] { grandchild.Id, c.Id })));
    }

    [Fact]
    public async Task PendingParentsAreListedUntilTheyArrive()
    {
        var missing = TestDocuments.UniqueText("not yet registered");
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText(), "synthetic", null,
            new ParentReferenceRequest(ContentHash: TestDocuments.HashOf(missing), Relation: "translation_of"));

        var detail = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{doc.Id}");
        var roots = await _reader.GetJsonAsync<RootsResponse>($"/v1/documents/{doc.Id}/roots");

        Assert.Equal(TestDocuments.HashOf(missing), Assert.Single(detail.PendingParents).ContentHash);
        Assert.Equal("translation_of", detail.PendingParents[0].Relation);
        Assert.Empty(roots.Roots);
        Assert.Equal(doc.Id, Assert.Single(roots.Pending).Child);
    }

    [Fact]
    public async Task AParentThatResolvesAPendingEdgeCannotCloseACycle()
    {
        var a = TestDocuments.UniqueText("a");
        var b = TestDocuments.UniqueText("b");
        var first = await _crawler.RegisterAsync(a, "synthetic", null, new ParentReferenceRequest(ContentHash: TestDocuments.HashOf(b), Relation: "edited_from"));

        var response = await _crawler.PostAsJsonAsync("/v1/documents", new RegisterDocumentRequest(b, Parents: [new(first.Id, Relation: "edited_from")]));

        var problem = await response.ProblemAsync(System.Net.HttpStatusCode.Conflict, "lineage_cycle");
        // The refused document never existed: the message names it by content hash, not by an id that was rolled back.
        Assert.Contains(TestDocuments.HashOf(b), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM documents WHERE content_hash = decode(@h, 'hex')", ("h", TestDocuments.HashOf(b))));
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM pending_edges WHERE child_id = @id", ("id", first.Id)));
    }

    [Fact]
    public async Task ABatchResolvesReferencesBetweenItsOwnItemsInAnyOrder()
    {
        var root = TestDocuments.UniqueText("root");
        var mid = TestDocuments.UniqueText("mid");
        var leaf = TestDocuments.UniqueText("leaf");
        var request = new RegisterDocumentsRequest(
        [
            new(leaf, Declared: new("synthetic"), Parents: [new(ContentHash: TestDocuments.HashOf(mid), Relation: "summary_of")]),
            new(mid, Declared: new("synthetic"), Parents: [new(ContentHash: TestDocuments.HashOf(root), Relation: "paraphrase_of")]),
            new(root, Declared: new("human")),
        ]);

        var body = (await (await _crawler.PostAsJsonAsync("/v1/documents/batch", request)).Content.ReadFromJsonAsync<RegisterDocumentsResponse>())!;

        Assert.Equal([2, 1, 0], body.Results.Select(r => r.Depth));
        Assert.All(body.Results, r => Assert.Equal("created", r.Status));
        Assert.All(body.Results, r => Assert.Equal(0, r.PendingParents));
    }

    [Fact]
    public async Task AMutualReferenceInsideABatchRejectsTheItemThatClosesTheCycle()
    {
        var a = TestDocuments.UniqueText("a");
        var b = TestDocuments.UniqueText("b");
        var request = new RegisterDocumentsRequest(
        [
            new(a, Parents: [new(ContentHash: TestDocuments.HashOf(b), Relation: "edited_from")]),
            new(b, Parents: [new(ContentHash: TestDocuments.HashOf(a), Relation: "edited_from")]),
        ]);

        var body = (await (await _crawler.PostAsJsonAsync("/v1/documents/batch", request)).Content.ReadFromJsonAsync<RegisterDocumentsResponse>())!;

        Assert.Equal(1, body.Created);
        Assert.Equal(1, body.Rejected);
        Assert.Contains("cycle", body.Results.Single(r => r.Status == "rejected").Reason);
        var kept = body.Results.Single(r => r.Status == "created");
        var lineage = await _reader.GetJsonAsync<LineageGraphResponse>($"/v1/documents/{kept.Id}/graph");
        Assert.Empty(lineage.Edges);
    }

    [Fact]
    public async Task ConcurrentParentsAndChildrenNeverLeaveAnEdgePending()
    {
        var pairs = Enumerable.Range(0, 40).Select(i => (Parent: TestDocuments.UniqueText($"parent {i}"), Child: TestDocuments.UniqueText($"child {i}"))).ToList();

        await Parallel.ForEachAsync(pairs.SelectMany(p => new[] { (p, parentFirst: true), (p, parentFirst: false) }),
            new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (job, _) =>
            {
                var client = registry.Client("crawler");
                if (job.parentFirst)
                {
                    await client.RegisterAsync(job.p.Parent, "human");
                }
                else
                {
                    await client.RegisterAsync(job.p.Child, "synthetic", null,
                        new ParentReferenceRequest(ContentHash: TestDocuments.HashOf(job.p.Parent), Relation: "generated_from"));
                }
            });

        foreach (var (_, child) in pairs)
        {
            var doc = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{TestDocuments.HashOf(child)}");
            Assert.Empty(doc.PendingParents);
            Assert.Equal(1, doc.Depth);
        }
    }
}
