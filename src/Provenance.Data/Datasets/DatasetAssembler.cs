using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Webhooks;
using Provenance.Data.OpenLineage;
using Provenance.Data.Webhooks;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>
/// Assembles dataset versions: the application service behind <c>POST /v1/datasets</c> and the bus's
/// <c>AssembleDataset</c>. Selection runs in one read-only REPEATABLE READ snapshot (<see cref="SnapshotSelection"/>), so
/// the same spec on the same registry always sees the same documents; the mix rules are <see cref="MixSelector"/>'s.
/// The version is then written in a second, short transaction (<see cref="DatasetVersionWriter"/>). Hand-written SQL
/// throughout: selection is keyset pagination over the sample-key index and the document list is written with binary
/// COPY, neither of which EF can express at this size. When OpenLineage is configured (<paramref name="lineage"/>), every
/// assembly that gets past validation is a run: its START is written to the outbox as it begins, its COMPLETE in the
/// transaction that stores the version, its FAIL when it stores nothing. Every stored version's
/// <c>dataset.version.created</c> webhook event is written in that transaction too, for the subscriptions that want it.
/// </summary>
public sealed partial class DatasetAssembler(NpgsqlDataSource dataSource, DatasetQueries queries, ILogger<DatasetAssembler> logger,
    LineageOutbox? lineage = null)
{
    readonly DatasetVersionWriter _writer = new(dataSource);

    /// <summary>Candidates read per query. It changes how often the registry is asked, never what a version holds.</summary>
    public int ChunkSize { get; init; } = CandidateStream.DefaultChunkSize;

    /// <summary>Assembles and stores a version of <c>spec.Dataset</c>, or says why not (nothing is written then).</summary>
    /// <param name="requestId">The bus request, when there is one: a redelivery finds the version the first delivery made.</param>
    public Task<AssemblyResult> AssembleAsync(DatasetSpec spec, string requestedBy, CancellationToken ct, Guid? requestId = null) =>
        RunAsync(spec, requestedBy, requestId, preview: false, ct);

    /// <summary>What <see cref="AssembleAsync"/> would store, without storing it.</summary>
    public Task<AssemblyResult> PreviewAsync(DatasetSpec spec, CancellationToken ct) => RunAsync(spec, "", null, preview: true, ct);

    async Task<AssemblyResult> RunAsync(DatasetSpec wire, string requestedBy, Guid? requestId, bool preview, CancellationToken ct)
    {
        using var span = RegistryTelemetry.Source.StartActivity(preview ? "dataset.preview" : "dataset.assemble");
        var started = Stopwatch.GetTimestamp();
        var result = await SelectDescribeAndStoreAsync(wire, requestedBy, requestId, preview, ct);
        var (outcome, documents) = result switch
        {
            AssemblyStored stored => (stored.Created ? "created" : "existing", (long?)stored.Version.Documents),
            AssemblyPreviewed previewed => ("previewed", previewed.Preview.Documents),
            _ => ("refused", null),
        };
        span?.SetTag("provenance.outcome", outcome);
        RegistryTelemetry.RecordAssembly(outcome, documents, Stopwatch.GetElapsedTime(started));
        return result;
    }

    async Task<AssemblyResult> SelectDescribeAndStoreAsync(DatasetSpec wire, string requestedBy, Guid? requestId, bool preview, CancellationToken ct)
    {
        if (!MixSpecValidator.TryValidate(DatasetMapping.ToDraft(wire), out var spec, out var error))
        {
            return new AssemblyRefused(AssemblyRefused.InvalidSpec, error!, []);
        }
        if (!preview && requestId is { } request && await queries.FindByRequestAsync(request, ct) is { } earlier)
        {
            return new AssemblyStored((await queries.GetAsync(earlier, "existing", ct))!, false, new AssemblyTimings(default, default, default, 0));
        }

        // A new run id for every attempt, a redelivery's included: each attempt's events are a run of their own, and every
        // retry of sending one sends the same id, so a receiver can deduplicate.
        var run = !preview && lineage?.Settings is { } settings ? new LineageRun(Guid.CreateVersion7(), spec.Dataset, DateTimeOffset.UtcNow) : null;
        if (run is not null)
        {
            await lineage!.AddAsync(run.RunId, RunEvents.Start, RunEvents.StartEvent(lineage.Settings!, run, run.StartedAt), ct);
        }
        try
        {
            var clock = Stopwatch.StartNew();
            var phases = new AssemblyPhases();
            var selection = await SnapshotSelection.SelectAsync(dataSource, spec, ChunkSize, phases, ct);
            var selectedIn = clock.Elapsed;
            switch (selection)
            {
                case SelectionRefused refused:
                    await EndFailedAsync(run, refused.Refusal.Detail, null);
                    return refused.Refusal;
                case Selected selected:
                    return await DescribeAndStoreAsync(spec, selected, selectedIn, phases, requestedBy, requestId, preview, run, ct);
                default:
                    throw new InvalidOperationException($"unexpected selection result {selection.GetType().Name}");
            }
        }
        catch (Exception e) when (run is not null)
        {
            await EndFailedAsync(run, e is OperationCanceledException ? "the assembly was cancelled before it stored a version" : e.Message, e.ToString());
            throw;
        }
    }

    /// <summary>Writes the FAIL of a run that stored nothing. It never hides the assembly's own outcome: a failure here is logged.</summary>
    async Task EndFailedAsync(LineageRun? run, string message, string? stackTrace)
    {
        if (run is null)
        {
            return;
        }
        try
        {
            // Not the request's token: a cancelled assembly still ends its run.
            await lineage!.AddAsync(run.RunId, RunEvents.Fail, RunEvents.FailEvent(lineage.Settings!, run, DateTimeOffset.UtcNow, message, stackTrace),
                CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogFailNotWritten(logger, run.RunId, e.Message);
        }
    }

    /// <summary>Describes the <paramref name="selected"/> documents and stores them as a version, unless this is a preview.</summary>
    async Task<AssemblyResult> DescribeAndStoreAsync(MixSpec spec, Selected selected, TimeSpan selectedIn, AssemblyPhases phases, string requestedBy,
        Guid? requestId, bool preview, LineageRun? run, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        phases.Restart();
        var (manifest, version) = Describe(spec, selected, requestedBy, requestId, phases);
        var manifestedIn = clock.Elapsed;
        var hash = ManifestFormat.ToText(version.Hash);
        if (preview)
        {
            return new AssemblyPreviewed(new DatasetPreviewResponse(hash, version.Stats.Documents, version.Stats.Tokens, manifest),
                new AssemblyTimings(selectedIn, manifestedIn, default, selected.CandidatesRead, phases.All));
        }

        clock.Restart();
        async Task ReportAsync(NpgsqlConnection conn, long id, int number)
        {
            if (run is not null)
            {
                await LineageOutbox.AddAsync(conn, run.RunId, RunEvents.Complete,
                    RunEvents.CompleteEvent(lineage!.Settings!, run, DateTimeOffset.UtcNow, number, hash, manifest), ct);
            }
            await WebhookOutbox.AddAsync(conn, [VersionCreated(id, number, hash, manifest)], ct);
        }
        var (versionId, created) = await TransientRetry.RunAsync(() => _writer.WriteAsync(version, ReportAsync, phases, ct), logger, ct);
        var writtenIn = clock.Elapsed;
        if (created)
        {
            LogAssembled(logger, spec.Dataset, versionId, version.Documents.Count, hash);
        }
        var stored = (await queries.GetAsync(versionId, created ? "created" : "existing", ct))!;
        if (!created && run is not null)
        {
            // The same spec on the same registry made this version before: the run completes with it as its output.
            await lineage!.AddAsync(run.RunId, RunEvents.Complete,
                RunEvents.CompleteEvent(lineage.Settings!, run, DateTimeOffset.UtcNow, stored.Version, stored.ManifestHash, stored.Manifest), ct);
        }
        return new AssemblyStored(stored, created, new AssemblyTimings(selectedIn, manifestedIn, writtenIn, selected.CandidatesRead, phases.All));
    }

    /// <summary>The <c>dataset.version.created</c> webhook event of a version just stored.</summary>
    static NewWebhookEvent VersionCreated(long id, int number, string hash, DatasetManifest manifest)
    {
        var stats = manifest.Stats;
        var total = stats.Unit == "tokens" ? stats.Tokens : stats.Documents;
        var classes = stats.ByClass.Select(c => new ClassShare(c.Class, c.Documents, c.Tokens,
            total == 0 ? 0 : (double)(stats.Unit == "tokens" ? c.Tokens : c.Documents) / total)).ToList();
        return new NewWebhookEvent(WebhookEventTypes.DatasetVersionCreated, $"datasets/{manifest.Dataset}/versions/{number}",
            new DatasetVersionCreated(id, manifest.Dataset, number, hash, stats.Documents, stats.Tokens, stats.Unit, classes, manifest.Base));
    }

    /// <summary>The version's statistics, collapse-risk report and canonical manifest, and the version to store.</summary>
    static (DatasetManifest Manifest, NewDatasetVersion Version) Describe(MixSpec spec, Selected selected, string requestedBy, Guid? requestId,
        AssemblyPhases phases)
    {
        var documents = selected.Documents;
        string? GeneratorName(int g) => g == MixSelector.Unattributed ? null : selected.GeneratorNames.GetValueOrDefault(g, $"generator {g}");
        var stats = MixReport.Stats(documents);
        phases.End("manifest: statistics");
        var risk = MixReport.CollapseRisk(spec, documents, selected.BaseCount, new MixReportContext(
            selected.Registry.Domains, selected.Registry.Without, selected.BaseReclassified, selected.Base?.HumanShare,
            g => GeneratorName(g) ?? "model-written text that names no generator"));
        var manifest = new DatasetManifest(ManifestFormat.Format, spec.Dataset, DatasetMapping.Canonical(spec, selected.Base?.Ref),
            selected.Base is { } b ? new DatasetBaseReference(b.Id, b.Dataset, b.Number, ManifestFormat.ToText(b.ManifestHash)) : null,
            DatasetMapping.ToContract(stats, spec.Unit, GeneratorName), DatasetMapping.ToContract(risk, GeneratorName));
        phases.End("manifest: collapse-risk report");
        var header = ManifestFormat.Header(manifest);
        var hash = ManifestFormat.Hash(header, documents);
        phases.End("manifest: header and hash");
        return (manifest, new NewDatasetVersion(spec.Dataset, selected.Base?.Id, header, hash, documents, stats, risk.HumanShare, requestedBy, requestId));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Assembled dataset {Dataset} version {VersionId}: {Documents} documents, manifest {ManifestHash}")]
    static partial void LogAssembled(ILogger logger, string dataset, long versionId, int documents, string manifestHash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OpenLineage FAIL event of run {RunId} could not be written ({Reason}); the run has a START without an end")]
    static partial void LogFailNotWritten(ILogger logger, Guid runId, string reason);
}
