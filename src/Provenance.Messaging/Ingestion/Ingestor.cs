using System.Diagnostics;
using Provenance.Contracts.Ingestion;

namespace Provenance.Messaging.Ingestion;

/// <summary>Where an ingest stands, reported after every confirmed batch.</summary>
public sealed record IngestProgress(long BytesRead, long TotalBytes, long Sent, long Created, long Existing, long Rejected, long Skipped, int Resent);

/// <summary>The end of an ingest.</summary>
/// <param name="Skipped">Documents of batches confirmed by an earlier, interrupted run, not sent again.</param>
public sealed record IngestSummary(long Sent, long Created, long Existing, long Rejected, long Skipped, int Resent, TimeSpan Elapsed,
    IReadOnlyList<LineRejection> Rejections);

/// <summary>
/// Reads JSONL, cuts it into batches, keeps a window of batches in flight to the registry, and records each
/// confirmed batch in the journal so that an interrupted run resumes where it stopped.
/// </summary>
public sealed class Ingestor(IBatchSink sink, IngestJournal journal, string crawlerId, int maxInFlight = 4, int maxRejectionsKept = 10_000)
{
    public async Task<IngestSummary> RunAsync(JsonlDocumentSource source, IProgress<IngestProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var total = source.TotalBytes();
        long read = 0, sent = 0, created = 0, existing = 0, rejected = 0, skipped = 0;
        var rejections = new List<LineRejection>();
        var gate = new SemaphoreSlim(maxInFlight);
        var inFlight = new List<Task>();
        void Report() => progress?.Report(new IngestProgress(Interlocked.Read(ref read), total, Interlocked.Read(ref sent), Interlocked.Read(ref created),
            Interlocked.Read(ref existing), Interlocked.Read(ref rejected), Interlocked.Read(ref skipped), sink.Resent));
        void Keep(IEnumerable<LineRejection> items)
        {
            lock (rejections)
            {
                rejections.AddRange(items.Take(Math.Max(0, maxRejectionsKept - rejections.Count)));
            }
        }

        await foreach (var batch in source.ReadAsync(ct))
        {
            Interlocked.Add(ref rejected, batch.LocalRejections.Count);
            Keep(batch.LocalRejections);
            if (journal.TryGet(batch.Fingerprint, batch.Index, out var done))
            {
                Interlocked.Add(ref read, batch.Bytes);
                Interlocked.Add(ref skipped, done.Sent);
                Report();
                continue;
            }
            if (batch.Documents.Count == 0)
            {
                journal.Confirm(batch.Fingerprint, batch.Index, default);
                Interlocked.Add(ref read, batch.Bytes);
                continue;
            }
            await gate.WaitAsync(ct);
            inFlight.RemoveAll(t => t.IsCompleted);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var answer = await sink.SendAsync(new RegisterDocuments(batch.BatchId, crawlerId, batch.Documents), ct);
                    Interlocked.Add(ref sent, batch.Documents.Count);
                    Interlocked.Add(ref created, answer.Created);
                    Interlocked.Add(ref existing, answer.Existing);
                    Interlocked.Add(ref rejected, answer.Rejected.Count);
                    Keep(answer.Rejected.Select(r => new LineRejection(batch.File, batch.DocumentLines[r.Index], r.Reason, r.Code)));
                    journal.Confirm(batch.Fingerprint, batch.Index, new BatchCounts(batch.Documents.Count, answer.Created, answer.Existing, answer.Rejected.Count));
                    Interlocked.Add(ref read, batch.Bytes);
                    Report();
                }
                finally
                {
                    gate.Release();
                }
            }, ct));
            // Surface a failed batch at once instead of after the whole input was read.
            if (inFlight.FirstOrDefault(t => t.IsFaulted) is { } failed)
            {
                await failed;
            }
        }
        await Task.WhenAll(inFlight);
        Report();
        return new IngestSummary(sent, created, existing, rejected, skipped, sink.Resent, clock.Elapsed, rejections);
    }
}
