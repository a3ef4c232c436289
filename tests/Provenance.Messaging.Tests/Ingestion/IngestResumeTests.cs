using System.Text.Json;
using Provenance.Messaging.Ingestion;
using Provenance.Testing;

namespace Provenance.Messaging.Tests.Ingestion;

/// <summary>A crawler's ingest over a real RabbitMQ, stopped part-way, picks up where its journal says it left off.</summary>
public class IngestResumeTests(BusRegistryFixture registry) : IClassFixture<BusRegistryFixture>
{
    static readonly DateTimeOffset Crawled = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);

    Task<BusBatchSink> SinkAsync() => BusBatchSink.StartAsync(TestBroker.Address, TimeSpan.FromSeconds(20), CancellationToken.None, registry.Queue);

    async Task<long> CountAsync(string sql, params (string, object)[] args) => await registry.ScalarAsync<long>(sql, args);

    [Fact]
    public async Task AnInterruptedIngestResumesWithoutResendingConfirmedBatches()
    {
        var dir = Directory.CreateTempSubdirectory("provenance-ingest-");
        var file = Path.Combine(dir.FullName, "crawl.jsonl");
        var lines = Enumerable.Range(0, 1_000).Select(i => JsonSerializer.Serialize(new
        {
            text = TestDocuments.UniqueText($"resumable {i}"),
            url = $"https://resume.example/{i}",
            crawledAt = Crawled,
        })).Append("this line is not JSON").ToList();
        await File.WriteAllLinesAsync(file, lines);
        var journal = Path.Combine(dir.FullName, "journal");
        await using var sink = await SinkAsync();

        using (var cts = new CancellationTokenSource())
        using (var first = new IngestJournal(journal))
        {
            var progress = new Progress<IngestProgress>(p => { if (p.Sent >= 300) { cts.Cancel(); } });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                new Ingestor(sink, first, "crawler-resume", maxInFlight: 1).RunAsync(new JsonlDocumentSource(file, 100), progress, cts.Token));
        }
        using var second = new IngestJournal(journal);
        var summary = await new Ingestor(sink, second, "crawler-resume").RunAsync(new JsonlDocumentSource(file, 100), null, CancellationToken.None);

        Assert.True(summary.Skipped >= 300, $"skipped {summary.Skipped}");
        Assert.Equal(1_000, summary.Skipped + summary.Sent);
        Assert.Equal(1, summary.Rejected);
        Assert.Equal(1_001, summary.Rejections.Single().Line);
        Assert.Equal(1_000, await CountAsync("SELECT count(*) FROM sightings WHERE crawler = 'crawler-resume'"));
        dir.Delete(recursive: true);
    }
}
