using System.Text.Json;
using Provenance.Messaging.Ingestion;
using Provenance.Testing;

namespace Provenance.Messaging.Tests.Ingestion;

/// <summary>
/// An ingest survives its consumer being killed and its broker being restarted: afterwards the registry holds each
/// distinct document once and every sighting that was sent, nothing lost and nothing doubled.
/// </summary>
public class FaultToleranceTests(BusRegistryFixture registry) : IClassFixture<BusRegistryFixture>, IDisposable
{
    const int Lines = 12_000;
    const int DistinctTexts = 10_000;
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("provenance-faults-");

    /// <summary>A crawl where every sixth line repeats an earlier text from another URL.</summary>
    string WriteCrawl(string crawler)
    {
        var file = Path.Combine(_dir.FullName, $"{crawler}.jsonl");
        var run = Guid.NewGuid().ToString("N");
        File.WriteAllLines(file, Enumerable.Range(0, Lines).Select(i => JsonSerializer.Serialize(new
        {
            text = $"Document {i % DistinctTexts} of crawl {run}: " + new string('x', 400),
            url = $"https://{crawler}.example/{i}",
            crawledAt = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero),
        })));
        return file;
    }

    async Task AssertEverythingArrivedOnceAsync(string crawler, IngestSummary summary)
    {
        Assert.Equal(Lines, summary.Sent + summary.Skipped);
        Assert.Equal(0, summary.Rejected);
        Assert.Equal(Lines, await registry.ScalarAsync<long>("SELECT count(*) FROM sightings WHERE crawler = @c", ("c", crawler)));
        Assert.Equal(Lines, await registry.ScalarAsync<long>("SELECT count(DISTINCT uri) FROM sightings WHERE crawler = @c", ("c", crawler)));
        Assert.Equal(DistinctTexts, await registry.ScalarAsync<long>(
            "SELECT count(DISTINCT d.id) FROM documents d JOIN sightings s ON s.document_id = d.id WHERE s.crawler = @c", ("c", crawler)));
        Assert.Equal(DistinctTexts, await registry.ScalarAsync<long>(
            "SELECT count(DISTINCT d.content_hash) FROM documents d JOIN sightings s ON s.document_id = d.id WHERE s.crawler = @c", ("c", crawler)));
    }

    /// <summary>Waits until <paramref name="condition"/> holds while the ingest is still running, the moment to inject the fault.</summary>
    static async Task WaitForAsync(Func<bool> condition, Task running, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (running.IsCompleted || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("the ingest finished or stalled before the fault could be injected; make it longer.");
            }
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task KillingTheConsumerMidIngestLosesAndDoublesNothing()
    {
        const string crawler = "crawler-killed-consumer";
        var queue = $"test-crash-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = registry.ConnectionString,
            ["ConnectionStrings:Broker"] = TestBroker.Uri,
            ["Bus:RegisterDocumentsQueue"] = queue,
            ["PROVENANCE_ADMIN_KEY"] = RegistryFixture.AdminKey,
        };
        var file = WriteCrawl(crawler);
        var consumer = await ApiProcess.StartAsync(settings);
        await using var sink = await BusBatchSink.StartAsync(TestBroker.Address, TimeSpan.FromSeconds(10), CancellationToken.None, queue);
        using var journal = new IngestJournal(Path.Combine(_dir.FullName, "journal"));
        long confirmed = 0;
        var progress = new SynchronousProgress(p => Interlocked.Exchange(ref confirmed, p.Sent));

        var ingest = new Ingestor(sink, journal, crawler, maxInFlight: 4).RunAsync(new JsonlDocumentSource(file, 200), progress, CancellationToken.None);
        await WaitForAsync(() => Interlocked.Read(ref confirmed) >= Lines / 4, ingest, TimeSpan.FromMinutes(2));
        var killedAt = Interlocked.Read(ref confirmed);
        await consumer.KillAsync();
        await using var restarted = await ApiProcess.StartAsync(settings);
        var summary = await ingest.WaitAsync(TimeSpan.FromMinutes(5));

        Assert.InRange(killedAt, Lines / 4, Lines - 1);
        await AssertEverythingArrivedOnceAsync(crawler, summary);
        TestContext.Current.TestOutputHelper?.WriteLine($"killed the consumer at {killedAt:N0} of {Lines:N0} confirmed; {summary.Resent} batches re-sent");
    }

    [Fact]
    public async Task RestartingTheBrokerMidIngestLosesAndDoublesNothing()
    {
        const string crawler = "crawler-broker-restart";
        var file = WriteCrawl(crawler);
        await using var sink = await BusBatchSink.StartAsync(TestBroker.Address, TimeSpan.FromSeconds(10), CancellationToken.None, registry.Queue);
        using var journal = new IngestJournal(Path.Combine(_dir.FullName, "journal-broker"));
        long confirmed = 0;
        var progress = new SynchronousProgress(p => Interlocked.Exchange(ref confirmed, p.Sent));

        var ingest = new Ingestor(sink, journal, crawler, maxInFlight: 4).RunAsync(new JsonlDocumentSource(file, 200), progress, CancellationToken.None);
        await WaitForAsync(() => Interlocked.Read(ref confirmed) >= Lines / 4, ingest, TimeSpan.FromMinutes(2));
        var restartedAt = Interlocked.Read(ref confirmed);
        await TestBroker.RestartAsync();
        var summary = await ingest.WaitAsync(TimeSpan.FromMinutes(5));

        Assert.InRange(restartedAt, Lines / 4, Lines - 1);
        await AssertEverythingArrivedOnceAsync(crawler, summary);
        TestContext.Current.TestOutputHelper?.WriteLine($"restarted the broker at {restartedAt:N0} of {Lines:N0} confirmed; {summary.Resent} batches re-sent");
    }

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Reports on the caller's thread, unlike <see cref="Progress{T}"/>, so the test sees counts as they happen.</summary>
    sealed class SynchronousProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
