using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Lineage;
using Provenance.Data.Assertions;
using Provenance.Domain.Assertions;
using Provenance.Testing;

namespace Provenance.Api.Tests.Prov;

public class ProvJsonTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _curator = registry.Client("curator");
    readonly HttpClient _trainer = registry.Client("trainer");

    /// <summary>human ← paraphrase ← edit ← summary, a second human parent of the edit, a crawler's sighting and a curator's word.</summary>
    async Task<(RegisteredDocumentResponse Human, RegisteredDocumentResponse Paraphrase, RegisteredDocumentResponse Edit, RegisteredDocumentResponse Summary, RegisteredDocumentResponse Other)> ChainAsync()
    {
        var human = await _crawler.RegisterAsync(TestDocuments.UniqueText("human"), "human");
        var other = await _crawler.RegisterAsync(TestDocuments.UniqueText("other human"), "human");
        var paraphrase = await _crawler.RegisterAsync(TestDocuments.UniqueText("paraphrase"), "synthetic", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(human.Id, Relation: "paraphrase_of"));
        var edit = await _crawler.RegisterAsync(TestDocuments.UniqueText("edit"), "mixed", "llama-3-70b@1",
            new ParentReferenceRequest(paraphrase.Id, Relation: "edited_from"), new ParentReferenceRequest(other.Id, Relation: "generated_from"));
        var summary = await _crawler.RegisterAsync(TestDocuments.UniqueText("summary"), "synthetic", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(edit.Id, Relation: "summary_of"));
        await registry.ScalarAsync<long>("INSERT INTO sightings (document_id, uri, crawled_at, crawler) VALUES (@d, 'https://news.example/a', now(), 'news-crawler@7') RETURNING id",
            ("d", human.Id));
        (await _curator.PostAsJsonAsync($"/v1/documents/{other.Id}/assertions", new AssertClassRequest("human", Note: "checked by hand"))).EnsureSuccessStatusCode();
        return (human, paraphrase, edit, summary, other);
    }

    static void AssertValid(JsonElement prov) => Assert.Equal([], ProvJsonChecks.Problems(prov));

    [Fact]
    public async Task ALineageAsProvIsValidPROVJSONAndHoldsTheRegistrysAncestorsEdgesAndAgents()
    {
        var chain = await ChainAsync();

        var prov = await _curator.GetJsonAsync<JsonElement>($"/v1/documents/{chain.Summary.ContentHash}/prov");
        var ancestors = await _curator.GetJsonAsync<LineageGraphResponse>($"/v1/documents/{chain.Summary.Id}/ancestors");

        TestContext.Current.TestOutputHelper?.WriteLine(JsonSerializer.Serialize(prov, Indented));
        AssertValid(prov);
        var entities = prov.GetProperty("entity");
        Assert.Equal(ancestors.Nodes.Select(n => "doc:" + n.ContentHash).Order(), entities.EnumerateObject().Select(e => e.Name).Order());
        foreach (var node in ancestors.Nodes)
        {
            var entity = entities.GetProperty("doc:" + node.ContentHash);
            Assert.Equal("provenance:Document", ProvJsonChecks.TypeOf(entity));
            Assert.Equal(node.Class, entity.GetProperty("provenance:class").GetString());
            Assert.Equal(node.Depth, entity.TryGetProperty("provenance:depth", out var depth) ? depth.GetInt32() : null);
            Assert.Equal(node.Id, entity.GetProperty("provenance:id").GetInt64());
        }
        var hashes = ancestors.Nodes.ToDictionary(n => n.Id, n => n.ContentHash);
        var derivations = ProvJsonChecks.Records(prov, "wasDerivedFrom").Select(d => (
            Child: d.GetProperty("prov:generatedEntity").GetString()!, Parent: d.GetProperty("prov:usedEntity").GetString()!,
            Type: ProvJsonChecks.TypeOf(d), Activity: d.GetProperty("prov:activity").GetString()!)).ToList();
        Assert.Equal(
            ancestors.Edges.Select(e => ("doc:" + hashes[e.Child], "doc:" + hashes[e.Parent], e.Relation == "edited_from" ? "prov:Revision" : "provenance:" + e.Relation,
                "act:generation-" + hashes[e.Child])).Order(),
            derivations.Order());
        Assert.Contains(derivations, d => d.Child == "doc:" + chain.Edit.ContentHash && d.Type == "prov:Revision");
        Assert.Equal(4, derivations.Count);
        Assert.Equal(3, prov.GetProperty("activity").EnumerateObject().Count());
        var generatedBy = ProvJsonChecks.Records(prov, "wasGeneratedBy").Select(g => (g.GetProperty("prov:entity").GetString()!, g.GetProperty("prov:activity").GetString()!));
        Assert.Equal(new[] { chain.Paraphrase, chain.Edit, chain.Summary }.Select(d => ("doc:" + d.ContentHash, "act:generation-" + d.ContentHash)).Order(), generatedBy.Order());
        var used = ProvJsonChecks.Records(prov, "used").Select(u => (u.GetProperty("prov:activity").GetString(), u.GetProperty("prov:entity").GetString()));
        Assert.Contains(("act:generation-" + chain.Edit.ContentHash, "doc:" + chain.Other.ContentHash), used);
        var agents = prov.GetProperty("agent");
        Assert.Equal("prov:SoftwareAgent", ProvJsonChecks.TypeOf(agents.GetProperty("gen:gpt-4o@2024-08-06")));
        Assert.Equal("prov:SoftwareAgent", ProvJsonChecks.TypeOf(agents.GetProperty("crawler:news-crawler@7")));
        Assert.Equal("prov:Person", ProvJsonChecks.TypeOf(agents.GetProperty("key:test-curator")));
        var associations = ProvJsonChecks.Records(prov, "wasAssociatedWith").Select(a => (a.GetProperty("prov:activity").GetString(), a.GetProperty("prov:agent").GetString()));
        Assert.Contains(("act:generation-" + chain.Edit.ContentHash, "gen:llama-3-70b@1"), associations);
        var attributions = ProvJsonChecks.Records(prov, "wasAttributedTo").Select(a => (a.GetProperty("prov:entity").GetString(), a.GetProperty("prov:agent").GetString())).ToList();
        Assert.Contains(("doc:" + chain.Summary.ContentHash, "gen:gpt-4o@2024-08-06"), attributions);
        Assert.Contains(("doc:" + chain.Human.ContentHash, "crawler:news-crawler@7"), attributions);
        Assert.Contains(("doc:" + chain.Other.ContentHash, "key:test-curator"), attributions);
    }

    [Fact]
    public async Task MaxDepthAndTheRelationFilterCutTheProvGraphAsTheyCutAncestorsAndBadValuesAreProblems()
    {
        var chain = await ChainAsync();

        var cut = await _curator.GetJsonAsync<JsonElement>($"/v1/documents/{chain.Summary.Id}/prov?maxDepth=1");
        var filtered = await _curator.GetJsonAsync<JsonElement>($"/v1/documents/{chain.Summary.Id}/prov?relation=summary_of,edited_from");
        var filteredAncestors = await _curator.GetJsonAsync<LineageGraphResponse>($"/v1/documents/{chain.Summary.Id}/ancestors?relation=summary_of,edited_from");
        var tooDeep = await _curator.GetAsync($"/v1/documents/{chain.Summary.Id}/prov?maxDepth=1001");
        var badRelation = await _curator.GetAsync($"/v1/documents/{chain.Summary.Id}/prov?relation=copied_from");
        var missing = await _curator.GetAsync($"/v1/documents/{new string('0', 64)}/prov");

        AssertValid(cut);
        AssertValid(filtered);
        Assert.Equal(new[] { chain.Summary, chain.Edit }.Select(d => "doc:" + d.ContentHash).Order(), cut.GetProperty("entity").EnumerateObject().Select(e => e.Name).Order());
        Assert.True(cut.GetProperty("entity").GetProperty("doc:" + chain.Summary.ContentHash).GetProperty("provenance:truncated").GetBoolean());
        Assert.Equal(filteredAncestors.Nodes.Select(n => "doc:" + n.ContentHash).Order(), filtered.GetProperty("entity").EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(2, ProvJsonChecks.Records(filtered, "wasDerivedFrom").Count);
        await tooDeep.ProblemAsync(HttpStatusCode.BadRequest, "invalid_max_depth");
        await badRelation.ProblemAsync(HttpStatusCode.BadRequest, "invalid_relation");
        await missing.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ADatasetVersionAsProvIsDerivedFromItsBaseByAnAssemblyThatUsedTheSpecForTheTrainer()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 12);
        var v1 = await _trainer.AssembleAsync(DatasetRequests.Spec("prov-chain", domain, 6, minHuman: 1));
        var v2 = await _trainer.AssembleAsync(DatasetRequests.Spec("prov-chain", domain, 12, minHuman: 1, baseRef: v1.Ref));

        var prov = await _curator.GetJsonAsync<JsonElement>($"/v1/datasets/{v2.Ref}/prov");
        var missing = await _curator.GetAsync("/v1/datasets/prov-chain@99/prov");

        TestContext.Current.TestOutputHelper?.WriteLine(JsonSerializer.Serialize(prov, Indented));
        AssertValid(prov);
        var version = prov.GetProperty("entity").GetProperty("dataset:prov-chain@2");
        Assert.Equal(v2.ManifestHash, version.GetProperty("provenance:manifestHash").GetString());
        Assert.Equal(v1.ManifestHash, prov.GetProperty("entity").GetProperty("dataset:prov-chain@1").GetProperty("provenance:manifestHash").GetString());
        var derivation = Assert.Single(ProvJsonChecks.Records(prov, "wasDerivedFrom"));
        Assert.Equal(("dataset:prov-chain@2", "dataset:prov-chain@1", "act:assembly-prov-chain@2"),
            (derivation.GetProperty("prov:generatedEntity").GetString(), derivation.GetProperty("prov:usedEntity").GetString(), derivation.GetProperty("prov:activity").GetString()));
        Assert.Equal(["dataset:prov-chain@1", "dataset:prov-chain@2.spec"],
            ProvJsonChecks.Records(prov, "used").Select(u => u.GetProperty("prov:entity").GetString()).Order());
        var spec = JsonSerializer.Deserialize<DatasetSpec>(prov.GetProperty("entity").GetProperty("dataset:prov-chain@2.spec").GetProperty("prov:value").GetString()!, JsonSerializerOptions.Web);
        Assert.Equal(v1.Ref, spec!.Base);
        Assert.Contains(ProvJsonChecks.Records(prov, "wasGeneratedBy"), g => g.GetProperty("prov:entity").GetString() == "dataset:prov-chain@2");
        var association = Assert.Single(ProvJsonChecks.Records(prov, "wasAssociatedWith"));
        Assert.Equal("key:test-trainer", association.GetProperty("prov:agent").GetString());
        await missing.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheDetectorWhoseScoresCountedDocumentsIsAnAgentOfTheAssembly()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 6);
        var unknown = await _crawler.RegisterAsync(domain, null, 2);
        await registry.GetService<AssertionWriter>().AppendAsync([
            .. unknown.Select(d => new NewAssertion(d.Id, AssertionKind.Detector, "provenance-detector@2.0.0", ProvenanceClass.Human, 0.98, EvidenceJson: """{"p_human": 0.98}""")),
        ], CancellationToken.None);
        var plain = await _trainer.AssembleAsync(DatasetRequests.Spec("prov-plain", domain, 6, minHuman: 1));
        var admitted = await _trainer.AssembleAsync(DatasetRequests.Spec("prov-detected", domain, 8, minHuman: 1)
            with { Unknown = new UnknownDocumentsSpec("detector", HumanAtLeast: 0.95, SyntheticAtLeast: 0.95) });

        var withDetector = await _curator.GetJsonAsync<JsonElement>($"/v1/datasets/{admitted.Ref}/prov");
        var without = await _curator.GetJsonAsync<JsonElement>($"/v1/datasets/{plain.Ref}/prov");

        AssertValid(withDetector);
        Assert.Equal(2, admitted.Manifest.CollapseRisk.Accumulation.DetectorAdmitted);
        Assert.Equal("prov:SoftwareAgent", ProvJsonChecks.TypeOf(withDetector.GetProperty("agent").GetProperty("detector:provenance-detector@2.0.0")));
        Assert.Contains(ProvJsonChecks.Records(withDetector, "wasAssociatedWith"), a => a.GetProperty("prov:agent").GetString() == "detector:provenance-detector@2.0.0");
        Assert.False(without.GetProperty("agent").TryGetProperty("detector:provenance-detector@2.0.0", out _));
    }

    [Fact]
    public async Task BothProvEndpointsAreDescribedInTheOpenApiDocument()
    {
        var openApi = JsonDocument.Parse(await registry.Client(role: null).GetStringAsync("/openapi/v1.json")).RootElement;

        foreach (var path in new[] { "/v1/documents/{ref}/prov", "/v1/datasets/{ref}/prov" })
        {
            var get = openApi.GetProperty("paths").GetProperty(path).GetProperty("get");
            Assert.Contains("PROV-JSON", get.GetProperty("summary").GetString());
            Assert.True(get.GetProperty("responses").TryGetProperty("200", out _));
            Assert.True(get.GetProperty("responses").TryGetProperty("404", out _));
        }
        var parameters = openApi.GetProperty("paths").GetProperty("/v1/documents/{ref}/prov").GetProperty("get").GetProperty("parameters");
        Assert.Contains(parameters.EnumerateArray(), p => p.GetProperty("name").GetString() == "maxDepth" && p.TryGetProperty("description", out _));
    }

    [Theory]
    [InlineData("""{"prefix": {"ex": "urn:ex:"}, "entity": {"ex:a": {}, "ex:b": {}}, "wasDerivedFrom": {"_:d": {"prov:generatedEntity": "ex:a"}}}""", "prov:usedEntity")]
    [InlineData("""{"prefix": {"ex": "urn:ex:"}, "entity": {"ex:a": {}, "other:b": {}}}""", "'other:b' does not use a declared prefix")]
    [InlineData("""{"prefix": {"ex": "urn:ex:"}, "entity": {"ex:a": {}}, "wasAttributedTo": {"_:t": {"prov:entity": "ex:a", "prov:agent": "ex:nobody"}}}""", "'ex:nobody' is not in agent")]
    [InlineData("""{"prefix": {"ex": "urn:ex:"}, "activity": {"ex:a": {"prov:endTime": "yesterday"}}}""", "schema:")]
    [InlineData("""{"prefix": {"ex": "urn:ex:"}, "entity": {"ex:a": {"ex:v": {"$": 1, "type": "xsd:int", "lang": "en"}}}}""", "schema:")]
    [InlineData("""{"prefix": {"ex": "urn:ex:"}, "entities": {}}""", "schema:")]
    public void TheChecksCatchWhatPROVJSONForbids(string document, string expected)
    {
        var problems = ProvJsonChecks.Problems(JsonDocument.Parse(document).RootElement);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
