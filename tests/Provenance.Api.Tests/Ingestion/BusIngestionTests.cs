using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Ingestion;
using Provenance.Messaging.Ingestion;
using Provenance.Testing;

namespace Provenance.Api.Tests.Ingestion;

/// <summary>Crawlers registering over a real RabbitMQ into the registry's consumer.</summary>
public class BusIngestionTests(BusRegistryFixture registry) : IClassFixture<BusRegistryFixture>
{
    static readonly DateTimeOffset Crawled = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);

    Task<BusBatchSink> SinkAsync() => BusBatchSink.StartAsync(TestBroker.Address, TimeSpan.FromSeconds(20), CancellationToken.None, registry.Queue);

    static IncomingDocument Doc(string text, string url = "https://crawl.example/") => new(text, url, Crawled);

    async Task<long> CountAsync(string sql, params (string, object)[] args) => await registry.ScalarAsync<long>(sql, args);

    [Fact]
    public async Task ABatchSentOverTheBusIsRegisteredAndAnsweredPerItem()
    {
        await using var sink = await SinkAsync();
        var shared = TestDocuments.UniqueText("shared");
        var batch = new RegisterDocuments(Guid.NewGuid(), "crawler-test", [
            Doc(shared, "https://a.example/1"),
            Doc(TestDocuments.UniqueText(), "https://a.example/2") with { Declared = new DeclaredProvenanceMessage("synthetic", "gpt-4o@2024-08-06") },
            Doc(" "),
            Doc(shared, "https://b.example/1"),
            Doc(TestDocuments.UniqueText()) with { Parents = [new ParentReferenceMessage(null, null, "copied_from")] },
        ]);

        var answer = await sink.SendAsync(batch, CancellationToken.None);

        Assert.Equal((2, 1), (answer.Created, answer.Existing));
        Assert.Equal([2, 4], answer.Rejected.Select(r => r.Index));
        Assert.Contains("empty", answer.Rejected[0].Reason);
        Assert.Equal("invalid_document", answer.Rejected[1].Code);
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM sightings s JOIN documents d ON d.id = s.document_id WHERE d.content_hash = decode(@h, 'hex')",
            ("h", TestDocuments.HashOf(shared))));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM assertions WHERE asserted_by = 'crawler-test' AND class = 'synthetic'"));
    }

    /// <summary>A JSONL line's <c>declared.c2pa</c> travels over the bus and is read as over HTTP.</summary>
    [Fact]
    public async Task AC2paReportInAJsonlLineIsReadOverTheBusAsOverHttp()
    {
        var dir = Directory.CreateTempSubdirectory("provenance-c2pa-");
        var file = Path.Combine(dir.FullName, "crawl.jsonl");
        var brief = TestDocuments.HashOf(TestDocuments.UniqueText("brief"));
        var (text, bad) = (TestDocuments.UniqueText("launch post"), TestDocuments.UniqueText("contradicted"));
        await File.WriteAllLinesAsync(file, [
            JsonSerializer.Serialize(new { text, url = "https://blog.example/launch", declared = new { c2pa = C2paReports.Generated(brief) } }),
            JsonSerializer.Serialize(new { text = bad, declared = new { @class = "human", c2pa = C2paReports.Generated(brief) } }),
        ]);
        await using var sink = await SinkAsync();
        using var journal = new IngestJournal(Path.Combine(dir.FullName, "journal"));

        var summary = await new Ingestor(sink, journal, "crawler-c2pa").RunAsync(new JsonlDocumentSource(file, 10), null, CancellationToken.None);

        Assert.Equal((1, 1), (summary.Created, summary.Rejected));
        Assert.Contains("contradicts declared.c2pa", Assert.Single(summary.Rejections).Reason);
        var id = await CountAsync("SELECT id FROM documents WHERE content_hash = decode(@h, 'hex')", ("h", TestDocuments.HashOf(text)));
        var doc = await registry.Client("curator").GetJsonAsync<DocumentResponse>($"/v1/documents/{id}");
        Assert.Equal(("synthetic", "Acme Writer@2.1.0"), (doc.Class, doc.Generator));
        Assert.Equal((brief, "generated_from"), (Assert.Single(doc.PendingParents).ContentHash, doc.PendingParents[0].Relation));
        Assert.Equal("Valid", doc.Assertions.Single().Evidence!.Value.GetProperty("c2pa").GetProperty("validationState").GetString());
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task ItemsWithValuesTheRegistryCannotStoreAreRejectedAloneOverTheBus()
    {
        await using var sink = await SinkAsync();
        var good = TestDocuments.UniqueText();
        var batch = new RegisterDocuments(Guid.NewGuid(), "crawler-unstorable", [
            Doc(good) with { Licence = "CC0" },
            Doc(TestDocuments.UniqueText()) with { Licence = "CC\0BY" },
            Doc(TestDocuments.UniqueText(), "javascript:alert(1)"),
            Doc(TestDocuments.UniqueText()) with { CrawlerId = "crawler\u001b[2J" },
        ]);
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var answer = await sink.SendAsync(batch, bounded.Token);

        Assert.Equal(1, answer.Created);
        Assert.Equal([1, 2, 3], answer.Rejected.Select(r => r.Index));
        Assert.All(answer.Rejected, r => Assert.Equal("invalid_document", r.Code));
        Assert.Contains("licence contains a NUL", answer.Rejected[0].Reason);
        Assert.Contains("scheme 'javascript'", answer.Rejected[1].Reason);
        Assert.Contains("crawler contains the control character U+001B", answer.Rejected[2].Reason);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM documents WHERE content_hash = decode(@h, 'hex')", ("h", TestDocuments.HashOf(good))));
    }

    [Fact]
    public async Task ABatchRefusedAsAWholeFailsAtTheCrawlerWithTheReasonInsteadOfBeingResentForever()
    {
        await using var sink = await SinkAsync();
        var batch = new RegisterDocuments(Guid.NewGuid(), "crawler\u001b[2J", [Doc(TestDocuments.UniqueText())]);
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var refused = await Assert.ThrowsAsync<BatchRefusedException>(() => sink.SendAsync(batch, bounded.Token));

        Assert.Contains("crawlerId contains the control character U+001B", refused.Reason);
        Assert.Equal(0, sink.Resent);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM sightings WHERE crawler LIKE 'crawler%[2J'"));
    }

    [Fact]
    public async Task ARejectedBatchItemCarriesTheSameCodeOverHttpAsOverTheBus()
    {
        await using var sink = await SinkAsync();
        // The same four items each way, on texts of their own: an empty text, a parent id nobody registered, and two
        // new documents that name each other as parent (the second closes a cycle).
        (string A, string B) Pair() => (TestDocuments.UniqueText("cycle a"), TestDocuments.UniqueText("cycle b"));
        var (httpA, httpB) = Pair();
        var (busA, busB) = Pair();
        RegisterDocumentRequest HttpItem(string text, ParentReferenceRequest? parent = null) => new(text, Parents: parent is null ? null : [parent]);
        var http = await registry.Client("crawler").PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest([
            HttpItem(" "),
            HttpItem(TestDocuments.UniqueText(), new ParentReferenceRequest(Id: 987_654_321, Relation: "generated_from")),
            HttpItem(httpA, new ParentReferenceRequest(ContentHash: TestDocuments.HashOf(httpB), Relation: "generated_from")),
            HttpItem(httpB, new ParentReferenceRequest(ContentHash: TestDocuments.HashOf(httpA), Relation: "generated_from")),
        ]));
        var bus = await sink.SendAsync(new RegisterDocuments(Guid.NewGuid(), "crawler-codes", [
            Doc(" "),
            Doc(TestDocuments.UniqueText()) with { Parents = [new ParentReferenceMessage(987_654_321, null, "generated_from")] },
            Doc(busA) with { Parents = [new ParentReferenceMessage(null, TestDocuments.HashOf(busB), "generated_from")] },
            Doc(busB) with { Parents = [new ParentReferenceMessage(null, TestDocuments.HashOf(busA), "generated_from")] },
        ]), CancellationToken.None);

        var items = (await http.Content.ReadFromJsonAsync<RegisterDocumentsResponse>())!.Results;
        Assert.Equal(["invalid_document", "unknown_parent", null, "lineage_cycle"], items.Select(i => i.Code));
        Assert.Equal(items.Where(i => i.Status == "rejected").Select(i => (i.Index, i.Code)), bus.Rejected.Select(r => (r.Index, (string?)r.Code)));
    }

    [Fact]
    public async Task ARedeliveredBatchChangesNothing()
    {
        await using var sink = await SinkAsync();
        var batch = new RegisterDocuments(Guid.NewGuid(), "crawler-redeliver",
            [.. Enumerable.Range(0, 50).Select(i => Doc(TestDocuments.UniqueText($"doc {i}"), $"https://r.example/{i}"))]);

        var first = await sink.SendAsync(batch, CancellationToken.None);
        var rows = await CountAsync("SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM sightings) + (SELECT count(*) FROM assertions)");
        var second = await sink.SendAsync(batch, CancellationToken.None);

        Assert.Equal((50, 0), (first.Created, first.Existing));
        Assert.Equal((0, 50), (second.Created, second.Existing));
        Assert.Equal(rows, await CountAsync("SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM sightings) + (SELECT count(*) FROM assertions)"));
    }

    [Fact]
    public async Task AnUndeserializableMessageGoesToTheErrorQueueWithItsReason()
    {
        await using var sink = await SinkAsync(); // makes sure the queue and its consumer exist

        await TestBroker.PublishRawAsync(registry.Queue, Encoding.UTF8.GetBytes("{ this is not json"), "application/vnd.masstransit+json");

        var headers = await TestBroker.TakeHeadersAsync(registry.Queue + "_error", TimeSpan.FromSeconds(30));
        Assert.Contains(headers, h => h.Key.StartsWith("MT-", StringComparison.Ordinal) && h.Value.Length > 0);
        Assert.Contains(headers.Keys, k => k is "MT-Reason" or "MT-Fault-Message");
    }

    [Fact]
    public async Task AnOversizeBatchGoesToTheErrorQueueAndFailsAtTheCrawlerWithItsReason()
    {
        await using var sink = await SinkAsync();
        var batch = new RegisterDocuments(Guid.NewGuid(), "crawler-oversize", [.. Enumerable.Range(0, 501).Select(i => Doc($"oversize {i} {Guid.NewGuid()}"))]);
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var sending = sink.SendAsync(batch, bounded.Token);
        var headers = await TestBroker.TakeHeadersAsync(registry.Queue + "_error", TimeSpan.FromSeconds(30),
            h => h.GetValueOrDefault("MT-Fault-Message", "").Contains("the limit is 500", StringComparison.Ordinal));

        Assert.Contains("501 documents", headers["MT-Fault-Message"]);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM sightings WHERE crawler = 'crawler-oversize'"));
        Assert.Contains("the limit is 500", (await Assert.ThrowsAsync<BatchRefusedException>(() => sending)).Reason);
    }
}
