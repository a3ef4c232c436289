using System.Net.Http.Json;
using Npgsql;
using Provenance.Testing;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Documents;
using Provenance.Data.Assertions;
using Provenance.Domain.Assertions;

namespace Provenance.Api.Tests.Assertions;

public class PrecedenceTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _curator = registry.Client("curator");

    Task<IReadOnlyList<AppendedAssertion>> DetectAsync(long id, ProvenanceClass cls, string model = "provenance-detector@1") =>
        registry.GetService<AssertionWriter>().AppendAsync(
            [new NewAssertion(id, AssertionKind.Detector, model, cls, cls == ProvenanceClass.Unknown ? null : 0.9,
                EvidenceJson: """{"p_synthetic": 0.9}""")], CancellationToken.None);

    async Task<DocumentResponse> GetAsync(long id) => await _curator.GetJsonAsync<DocumentResponse>($"/v1/documents/{id}");

    [Fact]
    public async Task ADetectorVerdictDecidesOnlyWhileNobodyElseHasSpoken()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());

        await DetectAsync(doc.Id, ProvenanceClass.Synthetic);

        Assert.Equal("synthetic", (await GetAsync(doc.Id)).Class);
    }

    [Fact]
    public async Task ADeclarationBeatsANewerDetectorVerdict()
    {
        var text = TestDocuments.UniqueText();
        var doc = await _crawler.RegisterAsync(text, "human");

        await DetectAsync(doc.Id, ProvenanceClass.Synthetic);

        var current = await GetAsync(doc.Id);
        Assert.Equal("human", current.Class);
        Assert.Equal(["declared", "detector"], current.Assertions.Select(a => a.Kind));
        Assert.True(current.Assertions[0].Effective);
    }

    [Fact]
    public async Task ACuratorBeatsDeclarationsAndDetectorsWhateverTheirAge()
    {
        var text = TestDocuments.UniqueText();
        var doc = await _crawler.RegisterAsync(text, "synthetic", "gpt-4o@2024-08-06");
        var curated = await _curator.PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new AssertClassRequest("human", 0.95, Note: "author confirmed by email"));

        await _crawler.RegisterAsync(text, "mixed", "gpt-4o@2024-08-06");
        await DetectAsync(doc.Id, ProvenanceClass.Mixed);

        Assert.Equal(System.Net.HttpStatusCode.Created, curated.StatusCode);
        var current = await GetAsync(doc.Id);
        Assert.Equal("human", current.Class);
        Assert.Equal(0, current.Depth);
        Assert.Null(current.Generator);
        var effective = Assert.Single(current.Assertions, a => a.Effective);
        Assert.Equal("curator", effective.Kind);
        Assert.Equal("test-curator", effective.AssertedBy);
        Assert.Equal("author confirmed by email", effective.Evidence!.Value.GetProperty("note").GetString());
    }

    [Fact]
    public async Task ADetectorThatAbstainsLeavesAnotherDetectorsVerdictStanding()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());

        await DetectAsync(doc.Id, ProvenanceClass.Synthetic, "detector-a@1");
        var abstained = (await DetectAsync(doc.Id, ProvenanceClass.Unknown, "detector-b@1")).Single();

        var current = await GetAsync(doc.Id);
        Assert.Equal("synthetic", current.Class);
        Assert.False(abstained.Effective);
        Assert.Equal("detector-a@1", Assert.Single(current.Assertions, a => a.Effective).AssertedBy);
    }

    [Fact]
    public async Task ANewVersionOfAModelWithdrawsTheOldVersionsVerdictEvenWhenItAbstains()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());
        await DetectAsync(doc.Id, ProvenanceClass.Synthetic, "provenance-detector@1.0.0");

        var abstained = (await DetectAsync(doc.Id, ProvenanceClass.Unknown, "provenance-detector@2.0.0")).Single();

        var current = await GetAsync(doc.Id);
        Assert.Equal("unknown", current.Class);
        Assert.Null(current.Depth);
        Assert.Equal(ProvenanceClass.Unknown, abstained.CurrentClass);
        Assert.DoesNotContain(current.Assertions, a => a.Effective);
        Assert.Equal(["synthetic", "unknown"], current.Assertions.Select(a => a.Class));
    }

    [Fact]
    public async Task AnAbstentionNeverOutranksADeclaration()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText(), "human");

        await DetectAsync(doc.Id, ProvenanceClass.Unknown);

        var current = await GetAsync(doc.Id);
        Assert.Equal("human", current.Class);
        Assert.Equal("declared", Assert.Single(current.Assertions, a => a.Effective).Kind);
    }

    [Fact]
    public async Task WithinAKindTheNewerAssertionWins()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());

        await DetectAsync(doc.Id, ProvenanceClass.Synthetic, "detector-a@1");
        await DetectAsync(doc.Id, ProvenanceClass.Human, "detector-b@1");
        var afterDetectors = (await GetAsync(doc.Id)).Class;
        await _curator.PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new AssertClassRequest("mixed"));
        await _curator.PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new AssertClassRequest("synthetic", Generator: "claude-3-opus@20240229"));

        Assert.Equal("human", afterDetectors);
        var current = await GetAsync(doc.Id);
        Assert.Equal("synthetic", current.Class);
        Assert.Equal("claude-3-opus@20240229", current.Generator);
        Assert.Equal(4, current.Assertions.Count);
    }

    [Fact]
    public async Task TheHistoryIsAppendOnlyEvenForTheDatabaseOwner()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText(), "human");
        await using var dataSource = NpgsqlDataSource.Create(registry.ConnectionString);

        var update = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var cmd = dataSource.CreateCommand($"UPDATE assertions SET class = 'synthetic' WHERE document_id = {doc.Id}");
            await cmd.ExecuteNonQueryAsync();
        });
        var delete = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var cmd = dataSource.CreateCommand($"DELETE FROM assertions WHERE document_id = {doc.Id}");
            await cmd.ExecuteNonQueryAsync();
        });

        Assert.Contains("append-only", update.MessageText);
        Assert.Contains("append-only", delete.MessageText);
        Assert.Equal("human", (await GetAsync(doc.Id)).Class);
    }

    [Fact]
    public async Task TheHistoryIsQueryableOnItsOwn()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText(), "synthetic");
        await _curator.PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new AssertClassRequest("mixed"));

        var history = await _curator.GetJsonAsync<List<AssertionResponse>>($"/v1/documents/{doc.ContentHash}/assertions");

        Assert.Equal(["synthetic", "mixed"], history.Select(a => a.Class));
        Assert.True(history[0].AssertedAt <= history[1].AssertedAt);
    }

    [Fact]
    public async Task ADocumentReadWhileItsClassChangesShowsTheClassItsOwnAssertionsGive()
    {
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText());
        using var done = new CancellationTokenSource();
        // One model changing its mind over and over: within a kind the newer verdict wins, so every append flips the class.
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 150; i++)
            {
                await DetectAsync(doc.Id, i % 2 == 0 ? ProvenanceClass.Synthetic : ProvenanceClass.Human);
            }
            await done.CancelAsync();
        });

        var reads = 0;
        var torn = new List<string>();
        while (!done.IsCancellationRequested || reads == 0)
        {
            var current = await GetAsync(doc.Id);
            reads++;
            var effective = current.Assertions.SingleOrDefault(a => a.Effective);
            if (current.Class != (effective?.Class ?? "unknown"))
            {
                torn.Add($"class {current.Class} beside the effective assertion {effective?.Id} ({effective?.Class}) of {current.Assertions.Count}");
            }
        }
        await writer;

        Assert.True(torn.Count == 0, $"{torn.Count} of {reads} reads showed a class its assertions did not give:\n{string.Join('\n', torn.Take(5))}");
    }
}
