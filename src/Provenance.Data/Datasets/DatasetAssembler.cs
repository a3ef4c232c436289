using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Provenance.Contracts.Datasets;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>
/// Assembles dataset versions: the application service behind <c>POST /v1/datasets</c> and the bus's
/// <c>AssembleDataset</c>. Selection runs in one read-only REPEATABLE READ snapshot (<see cref="SnapshotSelection"/>), so
/// the same spec on the same registry always sees the same documents; the mix rules are <see cref="MixSelector"/>'s.
/// The version is then written in a second, short transaction (<see cref="DatasetVersionWriter"/>). Hand-written SQL
/// throughout: selection is keyset pagination over the sample-key index and the document list is written with binary
/// COPY, neither of which EF can express at this size.
/// </summary>
public sealed partial class DatasetAssembler(NpgsqlDataSource dataSource, DatasetQueries queries, ILogger<DatasetAssembler> logger)
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

        var clock = Stopwatch.StartNew();
        var selection = await SnapshotSelection.SelectAsync(dataSource, spec, ChunkSize, ct);
        var selectedIn = clock.Elapsed;
        return selection switch
        {
            SelectionRefused refused => refused.Refusal,
            Selected selected => await DescribeAndStoreAsync(spec, selected, selectedIn, requestedBy, requestId, preview, ct),
            _ => throw new InvalidOperationException($"unexpected selection result {selection.GetType().Name}"),
        };
    }

    /// <summary>Describes the <paramref name="selected"/> documents and stores them as a version, unless this is a preview.</summary>
    async Task<AssemblyResult> DescribeAndStoreAsync(MixSpec spec, Selected selected, TimeSpan selectedIn, string requestedBy, Guid? requestId,
        bool preview, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (manifest, version) = Describe(spec, selected, requestedBy, requestId);
        var manifestedIn = clock.Elapsed;
        var hash = ManifestFormat.ToText(version.Hash);
        if (preview)
        {
            return new AssemblyPreviewed(new DatasetPreviewResponse(hash, version.Stats.Documents, version.Stats.Tokens, manifest),
                new AssemblyTimings(selectedIn, manifestedIn, default, selected.CandidatesRead));
        }

        clock.Restart();
        var (versionId, created) = await TransientRetry.RunAsync(() => _writer.WriteAsync(version, ct), logger, ct);
        var writtenIn = clock.Elapsed;
        if (created)
        {
            LogAssembled(logger, spec.Dataset, versionId, version.Documents.Count, hash);
        }
        return new AssemblyStored((await queries.GetAsync(versionId, created ? "created" : "existing", ct))!, created,
            new AssemblyTimings(selectedIn, manifestedIn, writtenIn, selected.CandidatesRead));
    }

    /// <summary>The version's statistics, collapse-risk report and canonical manifest, and the version to store.</summary>
    static (DatasetManifest Manifest, NewDatasetVersion Version) Describe(MixSpec spec, Selected selected, string requestedBy, Guid? requestId)
    {
        var documents = selected.Documents;
        string? GeneratorName(int g) => g == MixSelector.Unattributed ? null : selected.GeneratorNames.GetValueOrDefault(g, $"generator {g}");
        var stats = MixReport.Stats(documents);
        var risk = MixReport.CollapseRisk(spec, documents, selected.BaseCount, new MixReportContext(
            selected.Registry.Domains, selected.Registry.Without, selected.BaseReclassified, selected.Base?.HumanShare,
            g => GeneratorName(g) ?? "model-written text that names no generator"));
        var manifest = new DatasetManifest(ManifestFormat.Format, spec.Dataset, DatasetMapping.Canonical(spec, selected.Base?.Ref),
            selected.Base is { } b ? new DatasetBaseReference(b.Id, b.Dataset, b.Number, ManifestFormat.ToText(b.ManifestHash)) : null,
            DatasetMapping.ToContract(stats, spec.Unit, GeneratorName), DatasetMapping.ToContract(risk, GeneratorName));
        var header = ManifestFormat.Header(manifest);
        var hash = ManifestFormat.Hash(header, documents);
        return (manifest, new NewDatasetVersion(spec.Dataset, selected.Base?.Id, header, hash, documents, stats, risk.HumanShare, requestedBy, requestId));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Assembled dataset {Dataset} version {VersionId}: {Documents} documents, manifest {ManifestHash}")]
    static partial void LogAssembled(ILogger logger, string dataset, long versionId, int documents, string manifestHash);
}
