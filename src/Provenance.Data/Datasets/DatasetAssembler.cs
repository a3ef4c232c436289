using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Provenance.Contracts.Datasets;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;
using Provenance.Domain.Generators;

namespace Provenance.Data.Datasets;

/// <summary>
/// Assembles dataset versions: the application service behind <c>POST /v1/datasets</c> and the bus's
/// <c>AssembleDataset</c>. Selection runs in one read-only REPEATABLE READ snapshot, so the same spec on the same
/// registry always sees the same documents; the mix rules are <see cref="MixSelector"/>'s. The version is then
/// written in a second, short transaction (<see cref="DatasetVersionWriter"/>). Hand-written SQL throughout: selection is keyset pagination over the
/// sample-key index and the document list is written with binary COPY, neither of which EF can express at this size.
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
        if (!MixSpecValidator.TryValidate(DatasetMapping.ToDraft(wire), out var spec, out var error))
        {
            return new AssemblyRefused(AssemblyRefused.InvalidSpec, error!, []);
        }
        if (!preview && requestId is { } request && await queries.FindByRequestAsync(request, ct) is { } earlier)
        {
            return new AssemblyStored((await queries.GetAsync(earlier, "existing", ct))!, false, new AssemblyTimings(default, default, default, 0));
        }

        var clock = Stopwatch.StartNew();
        var selection = await SelectAsync(spec, ct);
        if (selection.Refusal is { } refusal)
        {
            return refusal;
        }
        var selected = clock.Elapsed;

        clock.Restart();
        var documents = selection.Documents;
        string? GeneratorName(int g) => g == MixSelector.Unattributed ? null : selection.GeneratorNames.GetValueOrDefault(g, $"generator {g}");
        var stats = MixReport.Stats(documents);
        var risk = MixReport.CollapseRisk(spec, documents, selection.BaseCount, new MixReportContext(
            selection.RegistryDomains, selection.RegistryWithoutDomain, selection.BaseReclassified, selection.Base?.HumanShare,
            g => GeneratorName(g) ?? "model-written text that names no generator"));
        var manifest = new DatasetManifest(ManifestFormat.Format, spec.Dataset, DatasetMapping.Canonical(spec, selection.Base?.Ref),
            selection.Base is { } b ? new DatasetBaseReference(b.Id, b.Dataset, b.Number, ManifestFormat.ToText(b.ManifestHash)) : null,
            DatasetMapping.ToContract(stats, spec.Unit, GeneratorName), DatasetMapping.ToContract(risk, GeneratorName));
        var header = ManifestFormat.Header(manifest);
        var hash = ManifestFormat.Hash(header, documents);
        var manifested = clock.Elapsed;

        if (preview)
        {
            return new AssemblyPreviewed(new DatasetPreviewResponse(ManifestFormat.ToText(hash), stats.Documents, stats.Tokens, manifest),
                new AssemblyTimings(selected, manifested, default, selection.CandidatesRead));
        }

        clock.Restart();
        var version = new NewDatasetVersion(spec.Dataset, selection.Base?.Id, header, hash, documents, stats, risk.HumanShare, requestedBy, requestId);
        var (versionId, created) = await TransientRetry.RunAsync(() => _writer.WriteAsync(version, ct), logger, ct);
        var written = clock.Elapsed;
        if (created)
        {
            LogAssembled(logger, spec.Dataset, versionId, documents.Count, ManifestFormat.ToText(hash));
        }
        return new AssemblyStored((await queries.GetAsync(versionId, created ? "created" : "existing", ct))!, created,
            new AssemblyTimings(selected, manifested, written, selection.CandidatesRead));
    }

    async Task<Selection> SelectAsync(MixSpec spec, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await ExecuteAsync(conn, "SET TRANSACTION READ ONLY", ct);

        BaseVersion? baseVersion = null;
        if (spec.Base is not null)
        {
            baseVersion = await ResolveBaseAsync(conn, spec.Base, ct);
            if (baseVersion is null)
            {
                return Refuse(AssemblyRefused.UnknownBase,
                    $"base '{spec.Base}' is not a dataset version in this registry; list versions with GET /v1/datasets, or leave base out to start a new chain.");
            }
        }

        // The candidate streams and the registry-wide source counts (a scan of every document) run on connections of
        // their own, in this transaction's snapshot, while this one reads the base.
        var snapshot = (string)(await ScalarAsync(conn, "SELECT pg_export_snapshot()", ct))!;
        if (!SnapshotId().IsMatch(snapshot))
        {
            throw new InvalidOperationException($"unexpected snapshot id '{snapshot}'");
        }
        using var cancelCounts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var counts = RegistryDomainsAsync(snapshot, cancelCounts.Token);
        try
        {
            var names = await GeneratorNamesAsync(conn, ct);
            string Name(int g) => g == MixSelector.Unattributed ? "model-written text that names no generator" : names.GetValueOrDefault(g, $"generator {g}");

            var (baseDocuments, reclassified) = baseVersion is null ? ([], 0) : await BaseDocumentsAsync(conn, baseVersion.Id, spec, ct);
            var baseSignatures = spec.NearDuplicates is null || baseDocuments.Count == 0 ? null : await BaseSignaturesAsync(conn, baseDocuments, ct);
            var baseIds = baseDocuments.Select(d => d.Id).ToHashSet();

            var selector = new MixSelector(spec, baseDocuments, baseSignatures);
            if (!selector.BaseFits)
            {
                var shortfalls = selector.BaseShortfalls(Name, (await PoolAsync(conn, spec, baseVersion!.Id, ct)).Supply);
                return Refuse(AssemblyRefused.Infeasible,
                    $"No documents added to base {baseVersion.Ref} can meet the spec. " + MixShortfall.Describe(shortfalls), shortfalls);
            }
            var read = await RunPassAsync(snapshot, spec, selector, baseIds, ct);
            if (selector.BetterAllocation() is { } allocation)
            {
                selector = new MixSelector(spec, baseDocuments, baseSignatures, allocation);
                read += await RunPassAsync(snapshot, spec, selector, baseIds, ct);
            }
            var outcome = selector.Finish(Name);
            if (!outcome.Met)
            {
                var (pool, supply) = await PoolAsync(conn, spec, baseVersion?.Id, ct);
                outcome = selector.Finish(Name, pool, supply);
                return Refuse(AssemblyRefused.Infeasible, Explain(spec, selector, outcome.Shortfalls), outcome.Shortfalls);
            }
            var (domains, withoutDomain) = await counts;
            await tx.CommitAsync(ct);
            return new Selection(null, outcome.Documents, outcome.BaseCount, baseVersion, reclassified, names, domains, withoutDomain, read);
        }
        finally
        {
            // The exported snapshot lives only as long as this transaction: let the counting finish importing it first.
            await cancelCounts.CancelAsync();
            try
            {
                await counts;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    static Selection Refuse(string code, string detail, IReadOnlyList<MixShortfall>? shortfalls = null) =>
        new(new AssemblyRefused(code, detail, shortfalls ?? []), [], 0, null, 0, new Dictionary<int, string>(), new Dictionary<string, long>(), 0, 0);

    static string Explain(MixSpec spec, MixSelector selector, IReadOnlyList<MixShortfall> shortfalls) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{spec.Target:N0} {spec.UnitName} were asked for and only {selector.Weight:N0} fit the spec's constraints ")
        + string.Create(CultureInfo.InvariantCulture, $"({Math.Max(0, spec.Target - selector.Weight):N0} missing). ") + MixShortfall.Describe(shortfalls);

    /// <summary>Offers candidates to <paramref name="selector"/> in the order of their sample keys across all classes.</summary>
    async Task<long> RunPassAsync(string snapshot, MixSpec spec, MixSelector selector, IReadOnlySet<long> baseIds, CancellationToken ct)
    {
        var classes = new List<ProvenanceClass>();
        foreach (var cls in (ReadOnlySpan<ProvenanceClass>)[ProvenanceClass.Human, ProvenanceClass.Synthetic, ProvenanceClass.Mixed])
        {
            if (spec.Filters.Allows(cls))
            {
                classes.Add(cls);
            }
        }
        if (spec.Unknown.Admit && (spec.Filters.Allows(ProvenanceClass.Human) || spec.Filters.Allows(ProvenanceClass.Synthetic)))
        {
            classes.Add(ProvenanceClass.Unknown);
        }
        var streams = new List<CandidateStream>();
        try
        {
            foreach (var cls in classes)
            {
                streams.Add(await CandidateStream.OpenAsync(dataSource, snapshot, spec, cls, baseIds, ChunkSize, ct));
            }
            return await MergeAsync(streams, selector, ct);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    static async Task<long> MergeAsync(List<CandidateStream> streams, MixSelector selector, CancellationToken ct)
    {
        long read = 0;
        while (!selector.Done)
        {
            CandidateStream? next = null;
            foreach (var stream in streams)
            {
                var room = stream.Room(selector);
                if (room > 0 && await stream.EnsureAsync(room, ct) && (next is null || stream.Head.CompareTo(next.Head) < 0))
                {
                    next = stream;
                }
            }
            if (next is null)
            {
                break;
            }
            selector.Consider(next.Take());
            read++;
        }
        return read;
    }

    /// <summary>
    /// How many documents of each class the spec's filters admit (the base's included), and what of that could be added
    /// to the base, in the spec's unit; only counted to explain a refusal. Documents only a detector's assertion
    /// classifies count as unknown here and are not counted on: their scores decide what they count as.
    /// </summary>
    static async Task<(Dictionary<ProvenanceClass, long> Counts, MixSupply Supply)> PoolAsync(NpgsqlConnection conn, MixSpec spec, long? baseId, CancellationToken ct)
    {
        var classes = spec.Filters.Classes.Append(ProvenanceClass.Unknown).Where(c => c != ProvenanceClass.Unknown || spec.Unknown.Admit).ToArray();
        await using var cmd = new NpgsqlCommand($"""
            SELECT CASE WHEN d.decided_by = 'detector' THEN 'unknown' ELSE d.class END, d.generator_id, count(*),
                   count(*) FILTER (WHERE b.document_id IS NULL), COALESCE(sum(d.token_count) FILTER (WHERE b.document_id IS NULL), 0)
              FROM documents d
              LEFT JOIN dataset_version_documents b ON b.version_id = @base_version AND b.document_id = d.id
             WHERE d.class = ANY(@classes){FilterSql.Where(spec, modelWritten: false)}
               AND {FilterSql.DepthOfAnyClass}
               {(spec.Unknown.Admit ? "" : "AND d.decided_by IS DISTINCT FROM 'detector'")}
             GROUP BY 1, 2
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<ProvenanceClass[]>("classes", classes));
        cmd.Parameters.Add(new NpgsqlParameter("base_version", NpgsqlDbType.Bigint) { Value = (object?)baseId ?? DBNull.Value });
        FilterSql.AddParameters(cmd, spec);
        var counts = new Dictionary<ProvenanceClass, long>();
        long human = 0;
        var modelWritten = new Dictionary<(ProvenanceClass Class, int Generator), long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var cls = reader.GetFieldValue<ProvenanceClass>(0);
            counts[cls] = counts.GetValueOrDefault(cls) + reader.GetInt64(2);
            var addable = spec.Unit == MixUnit.Documents ? reader.GetInt64(3) : reader.GetInt64(4);
            if (cls == ProvenanceClass.Human)
            {
                human += addable;
            }
            else if (cls is ProvenanceClass.Synthetic or ProvenanceClass.Mixed)
            {
                var key = (cls, reader.IsDBNull(1) ? MixSelector.Unattributed : reader.GetInt32(1));
                modelWritten[key] = modelWritten.GetValueOrDefault(key) + addable;
            }
        }
        return (counts, new MixSupply(human, modelWritten));
    }

    static async Task<BaseVersion?> ResolveBaseAsync(NpgsqlConnection conn, string baseRef, CancellationToken ct)
    {
        if (!DatasetVersionRef.TryParse(baseRef, out var parsed) || await DatasetQueries.FindAsync(conn, parsed, ct) is not { } id)
        {
            return null;
        }
        await using var cmd = new NpgsqlCommand("""
            SELECT v.id, ds.name, v.number, v.manifest_hash, v.human_share FROM dataset_versions v JOIN datasets ds ON ds.id = v.dataset_id WHERE v.id = @id
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long>("id", id));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new BaseVersion(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<byte[]>(3), reader.GetDouble(4));
    }

    /// <summary>
    /// The base's documents in their order, as the registry describes them now: a version counts what is known at its
    /// snapshot, so a base document a curator has since reclassified counts as its new class (and is reported).
    /// </summary>
    static async Task<(List<MixDocument> Documents, long Reclassified)> BaseDocumentsAsync(NpgsqlConnection conn, long baseId, MixSpec spec, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT v.ordinal, d.id, d.content_hash, d.token_count, d.generator_id, d.depth, d.source_domain,
                   {CandidateRow.UnknownProvenanceColumns}, d.class, v.class
              FROM dataset_version_documents v
              JOIN documents d ON d.id = v.document_id
              LEFT JOIN LATERAL ({CandidateRow.DetectorScoreSql(" AND (d.class = 'unknown' OR d.decided_by = 'detector')")}) det ON true
              LEFT JOIN LATERAL ({CandidateRow.ParentDepthsSql} AND (d.class = 'unknown' OR d.decided_by = 'detector')) lin ON true
             WHERE v.version_id = @base
             ORDER BY v.ordinal
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long>("base", baseId));
        var documents = new List<MixDocument>();
        long reclassified = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(1);
            var cls = reader.GetFieldValue<ProvenanceClass>(12);
            if (cls != reader.GetFieldValue<ProvenanceClass>(13))
            {
                reclassified++;
            }
            // A document of unknown provenance the spec would not admit still stays: accumulation never drops a base
            // document. It counts as neither human nor synthetic.
            documents.Add(CandidateRow.Read(reader, cls, spec.Unknown, id)
                ?? new MixDocument(id, new ContentHash(reader.GetFieldValue<byte[]>(2)), cls, ProvenanceClass.Unknown, null, null,
                    reader.GetInt32(3), reader.IsDBNull(6) ? null : reader.GetString(6), UnknownProvenance: true));
        }
        return (documents, reclassified);
    }

    static async Task<List<uint[]>> BaseSignaturesAsync(NpgsqlConnection conn, List<MixDocument> documents, CancellationToken ct)
    {
        var signatures = new List<uint[]>(documents.Count);
        foreach (var chunk in documents.Chunk(CandidateStream.DefaultChunkSize))
        {
            var map = await CandidateChecks.SignaturesAsync(conn, [.. chunk.Select(d => d.Id)], ct);
            signatures.AddRange(chunk.Select(d => map[d.Id]));
        }
        return signatures;
    }

    static async Task<Dictionary<int, string>> GeneratorNamesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var names = new Dictionary<int, string>();
        await using var cmd = new NpgsqlCommand("SELECT id, name, version FROM generators", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            names[reader.GetInt32(0)] = new GeneratorName(reader.GetString(1), reader.GetString(2)).ToString();
        }
        return names;
    }

    async Task<(Dictionary<string, long> Domains, long Without)> RegistryDomainsAsync(string snapshot, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        // One core for the count, so that on a small machine the selection running beside it keeps the other.
        await ExecuteAsync(conn, $"SET TRANSACTION READ ONLY; SET TRANSACTION SNAPSHOT '{snapshot}'; SET LOCAL max_parallel_workers_per_gather = 0", ct);
        var domains = new Dictionary<string, long>(StringComparer.Ordinal);
        long without = 0;
        await using (var cmd = new NpgsqlCommand("SELECT source_domain, count(*) FROM documents GROUP BY source_domain", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (reader.IsDBNull(0))
                {
                    without = reader.GetInt64(1);
                }
                else
                {
                    domains[reader.GetString(0)] = reader.GetInt64(1);
                }
            }
        }
        await tx.CommitAsync(ct);
        return (domains, without);
    }

    static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync(ct);
    }

    [GeneratedRegex("^[0-9A-Fa-f-]+$")]
    private static partial Regex SnapshotId();

    [LoggerMessage(Level = LogLevel.Information, Message = "Assembled dataset {Dataset} version {VersionId}: {Documents} documents, manifest {ManifestHash}")]
    static partial void LogAssembled(ILogger logger, string dataset, long versionId, int documents, string manifestHash);

    sealed record BaseVersion(long Id, string Dataset, int Number, byte[] ManifestHash, double HumanShare)
    {
        public string Ref => $"{Dataset}@{Number}";
    }

    sealed record Selection(
        AssemblyRefused? Refusal,
        IReadOnlyList<MixDocument> Documents,
        int BaseCount,
        BaseVersion? Base,
        long BaseReclassified,
        IReadOnlyDictionary<int, string> GeneratorNames,
        IReadOnlyDictionary<string, long> RegistryDomains,
        long RegistryWithoutDomain,
        long CandidatesRead);
}
