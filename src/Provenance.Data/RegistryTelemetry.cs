using System.Diagnostics;
using System.Diagnostics.Metrics;
using Provenance.Data.Registration;
using Provenance.Domain;
using Provenance.Domain.Assertions;

namespace Provenance.Data;

/// <summary>
/// The registry's own metrics and spans, under the one name <see cref="Name"/> that every host's OpenTelemetry setup
/// listens to (<c>Provenance.Hosting.TelemetryHosting</c>). Instruments are static: one per process, whichever host
/// (API, worker, tests) records into them. docs/operations.md lists the Prometheus names these become, and
/// deploy/grafana/provenance.json queries them.
/// </summary>
public static class RegistryTelemetry
{
    public const string Name = "Provenance";

    public static readonly ActivitySource Source = new(Name);

    static readonly Meter Meter = new(Name);

    // Seconds, from a one-document POST (milliseconds) to a dataset assembly over millions of candidates (minutes).
    static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    };

    // Documents per batch or per dataset version: powers of four up to the largest batches and versions there are.
    static readonly InstrumentAdvice<long> Documents = new()
    {
        HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304],
    };

    static readonly Counter<long> Registered = Meter.CreateCounter<long>("provenance.documents.registered", "{document}",
        "Documents registered, by class after registration and status (created: a new document; existing: a new sighting of a known one).");

    static readonly Counter<long> Rejected = Meter.CreateCounter<long>("provenance.documents.rejected", "{document}",
        "Submitted documents rejected, by the code their answer carries.");

    static readonly Histogram<long> BatchSize = Meter.CreateHistogram("provenance.registration.batch.size", "{document}",
        "Documents per registration call (a POST or a bus batch), rejected ones included.", advice: Documents);

    static readonly Histogram<double> BatchDuration = Meter.CreateHistogram("provenance.registration.duration", "s",
        "Time to validate and write one registration call, retries included.", advice: Seconds);

    static readonly Counter<long> Verdicts = Meter.CreateCounter<long>("provenance.detector.verdicts", "{document}",
        "Documents the detector scored, by the class of its verdict and the model.");

    static readonly Histogram<double> ScoringDuration = Meter.CreateHistogram("provenance.detector.scoring.duration", "s",
        "Time the detector took to score one chunk of documents.", advice: Seconds);

    static readonly Histogram<double> AssemblyDuration = Meter.CreateHistogram("provenance.dataset.assembly.duration", "s",
        "Time to assemble a dataset version, by outcome (created, existing, previewed, refused).", advice: Seconds);

    static readonly Histogram<long> AssemblySize = Meter.CreateHistogram("provenance.dataset.assembly.size", "{document}",
        "Documents in each assembled (or previewed) dataset version.", advice: Documents);

    /// <summary>What one registration call came to.</summary>
    public static void RecordRegistration(IReadOnlyList<RegistrationResult> results, TimeSpan elapsed)
    {
        BatchSize.Record(results.Count);
        BatchDuration.Record(elapsed.TotalSeconds);
        foreach (var group in results.GroupBy(r => (r.Status, r.Class, r.Code)))
        {
            var (status, cls, code) = group.Key;
            if (status == RegistrationStatus.Rejected)
            {
                Rejected.Add(group.Count(), new KeyValuePair<string, object?>("code", RejectionCodes.WireName(code)));
            }
            else
            {
                Registered.Add(group.Count(),
                    new KeyValuePair<string, object?>("class", cls is { } c ? WireNames.Of(c) : "unknown"),
                    new KeyValuePair<string, object?>("status", status == RegistrationStatus.Created ? "created" : "existing"));
            }
        }
    }

    /// <summary>A chunk of verdicts from <paramref name="model"/>, scored in <paramref name="elapsed"/>.</summary>
    public static void RecordVerdicts(string model, IEnumerable<ProvenanceClass> classes, TimeSpan elapsed)
    {
        ScoringDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));
        foreach (var group in classes.GroupBy(c => c))
        {
            Verdicts.Add(group.Count(), new KeyValuePair<string, object?>("class", WireNames.Of(group.Key)),
                new KeyValuePair<string, object?>("model", model));
        }
    }

    /// <summary>One dataset assembly: <paramref name="outcome"/> is created, existing, previewed or refused.</summary>
    public static void RecordAssembly(string outcome, long? documents, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        AssemblyDuration.Record(elapsed.TotalSeconds, tag);
        if (documents is { } n)
        {
            AssemblySize.Record(n, tag);
        }
    }

    /// <summary>Sets what <c>provenance.detection.backlog</c> reports (see <c>DetectionQueries.AwaitingVerdictAsync</c>).</summary>
    public static void SetDetectionBacklog(long documents) => Interlocked.Exchange(ref _detectionBacklog, documents);

    // A gauge is read at every collection (a scrape, an export) and must not block: it reports what a background count
    // last found, and nothing before the first count.
    static long _detectionBacklog = -1;

    static readonly ObservableGauge<long> DetectionBacklog = Meter.CreateObservableGauge("provenance.detection.backlog",
        () => Interlocked.Read(ref _detectionBacklog) is >= 0 and var n ? [new Measurement<long>(n)] : Array.Empty<Measurement<long>>(),
        "{document}", "Documents of class unknown that no detector has given a verdict yet (counted up to a cap, every 30 s, by the API).");

    /// <summary>Sets what <c>provenance.outbox.backlog</c> reports for <paramref name="destination"/> (see <c>Outbox.BacklogAsync</c>).</summary>
    public static void SetOutboxBacklog(string destination, long rows) => OutboxBacklogs[destination] = rows;

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> OutboxBacklogs = new();

    static readonly ObservableGauge<long> OutboxBacklog = Meter.CreateObservableGauge("provenance.outbox.backlog",
        () => OutboxBacklogs.Select(b => new Measurement<long>(b.Value, new KeyValuePair<string, object?>("destination", b.Key))),
        "{event}", "Events in the outbox that their receiver has not accepted yet, by destination (openlineage, webhook), counted by each sender after each batch.");

    /// <summary>Sets what <c>provenance.search.backlog</c> reports (see <c>SearchIndexer.BacklogAsync</c>).</summary>
    public static void SetSearchBacklog(long documents) => Interlocked.Exchange(ref _searchBacklog, documents);

    static long _searchBacklog = -1;

    static readonly ObservableGauge<long> SearchBacklog = Meter.CreateObservableGauge("provenance.search.backlog",
        () => Interlocked.Read(ref _searchBacklog) is >= 0 and var n ? [new Measurement<long>(n)] : Array.Empty<Measurement<long>>(),
        "{document}", "Documents registered whose words the search indexer has not indexed yet, so a search by words does not find them (counted up to a cap after each pass, by the API).");
}
