using System.Data;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Provenance.Data.Documents;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;
using Provenance.Domain.Generators;

namespace Provenance.Data.Datasets;

/// <summary>A version a new version accumulates on, as the snapshot sees it.</summary>
internal sealed record BaseVersion(long Id, string Dataset, int Number, byte[] ManifestHash, double HumanShare)
{
    public string Ref => $"{Dataset}@{Number}";
}

/// <summary>Documents per source domain in the whole registry (<paramref name="Without"/>: those that name none).</summary>
internal sealed record RegistryDomains(IReadOnlyDictionary<string, long> Domains, long Without);

/// <summary>
/// The one registry state an assembly reads: a read-only REPEATABLE READ transaction, so the same spec on the same
/// registry always sees the same documents, and every reader of that state. The candidate streams and the registry-wide
/// source count (<c>document_domain_counts</c>, which triggers keep) run on connections of their own that import this
/// transaction's exported snapshot; disposing ends the count first, since an exported snapshot lives only as long as its
/// transaction.
/// </summary>
internal sealed partial class AssemblySnapshot : IAsyncDisposable
{
    readonly NpgsqlDataSource _dataSource;
    readonly NpgsqlConnection _conn;
    readonly NpgsqlTransaction _tx;
    string? _exported;
    CancellationTokenSource? _stopCount;
    Task<RegistryDomains>? _count;

    AssemblySnapshot(NpgsqlDataSource dataSource, NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        _dataSource = dataSource;
        _conn = conn;
        _tx = tx;
    }

    public static async Task<AssemblySnapshot> OpenAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            await using (var cmd = new NpgsqlCommand("SET TRANSACTION READ ONLY", conn))
            {
                await cmd.ExecuteNonQueryAsync(ct);
            }
            return new AssemblySnapshot(dataSource, conn, tx);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>The version <paramref name="baseRef"/> names; null when it names none in this registry.</summary>
    public async Task<BaseVersion?> FindBaseAsync(string baseRef, CancellationToken ct)
    {
        if (!DatasetVersionRef.TryParse(baseRef, out var parsed) || await DatasetQueries.FindAsync(_conn, parsed, ct) is not { } id)
        {
            return null;
        }
        await using var cmd = new NpgsqlCommand("""
            SELECT v.id, ds.name, v.number, v.manifest_hash, v.human_share FROM dataset_versions v JOIN datasets ds ON ds.id = v.dataset_id WHERE v.id = @id
            """, _conn);
        cmd.Parameters.Add(new NpgsqlParameter<long>("id", id));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new BaseVersion(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<byte[]>(3), reader.GetDouble(4));
    }

    /// <summary>
    /// Starts reading the registry's documents per source domain on a connection of its own, while this one reads on.
    /// </summary>
    public async Task StartCountingDomainsAsync(CancellationToken ct)
    {
        var snapshot = await ExportAsync(ct);
        _stopCount = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _count = CountDomainsAsync(snapshot, _stopCount.Token);
    }

    /// <summary>The count <see cref="StartCountingDomainsAsync"/> started, once it is done.</summary>
    public Task<RegistryDomains> RegistryDomainsAsync() =>
        _count ?? throw new InvalidOperationException("the registry's domains were not counted; start counting them first.");

    public async Task<Dictionary<int, string>> GeneratorNamesAsync(CancellationToken ct)
    {
        var names = new Dictionary<int, string>();
        await using var cmd = new NpgsqlCommand("SELECT id, name, version FROM generators", _conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            names[reader.GetInt32(0)] = new GeneratorName(reader.GetString(1), reader.GetString(2)).ToString();
        }
        return names;
    }

    /// <summary>
    /// The base's documents in their order, as the registry describes them now: a version counts what is known at its
    /// snapshot, so a base document a curator has since reclassified counts as its new class (and is reported).
    /// </summary>
    public async Task<(List<MixDocument> Documents, long Reclassified)> BaseDocumentsAsync(long baseId, MixSpec spec, CancellationToken ct)
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
            """, _conn);
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

    /// <summary>The MinHash signatures of <paramref name="documents"/>, in their order.</summary>
    public async Task<List<uint[]>> SignaturesAsync(List<MixDocument> documents, CancellationToken ct)
    {
        var signatures = new List<uint[]>(documents.Count);
        foreach (var chunk in documents.Chunk(CandidateStream.DefaultChunkSize))
        {
            var map = await CandidateChecks.SignaturesAsync(_conn, [.. chunk.Select(d => d.Id)], ct);
            signatures.AddRange(chunk.Select(d => map[d.Id]));
        }
        return signatures;
    }

    /// <summary>
    /// How many documents of each class the spec's filters admit (the base's included), and what of that could be added
    /// to the base, in the spec's unit; only counted to explain a refusal. Documents only a detector's assertion
    /// classifies count as unknown here and are not counted on: their scores decide what they count as.
    /// </summary>
    public async Task<(Dictionary<ProvenanceClass, long> Counts, MixSupply Supply)> PoolAsync(MixSpec spec, long? baseId, CancellationToken ct)
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
            """, _conn);
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

    /// <summary>
    /// A stream of the documents of <paramref name="registryClass"/> the spec admits, on a connection of its own in this
    /// snapshot.
    /// </summary>
    public async Task<CandidateStream> OpenStreamAsync(MixSpec spec, ProvenanceClass registryClass, IReadOnlySet<long> exclude, int chunkSize,
        CancellationToken ct)
    {
        var (conn, tx) = await JoinAsync(await ExportAsync(ct), "", ct);
        return new CandidateStream(conn, tx, spec, registryClass, exclude, chunkSize);
    }

    public Task CommitAsync(CancellationToken ct) => _tx.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_count is not null)
            {
                // The exported snapshot lives only as long as this transaction: let the count finish importing it first.
                await _stopCount!.CancelAsync();
                try
                {
                    await _count;
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        finally
        {
            _stopCount?.Dispose();
            await _tx.DisposeAsync();
            await _conn.DisposeAsync();
        }
    }

    async Task<RegistryDomains> CountDomainsAsync(string snapshot, CancellationToken ct)
    {
        var (conn, tx) = await JoinAsync(snapshot, "", ct);
        await using (conn)
        await using (tx)
        {
            var domains = new Dictionary<string, long>(StringComparer.Ordinal);
            long without = 0;
            // The counts the triggers on documents keep (the empty domain: none), not a count of every document: that scan
            // of the whole registry took longer than the selection beside it.
            await using (var cmd = new NpgsqlCommand(DomainCounts.ReadSql, conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    if (reader.GetString(0).Length == 0)
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
            return new RegistryDomains(domains, without);
        }
    }

    /// <summary>The exported snapshot's id; exported on this connection, so only called between this connection's reads.</summary>
    async Task<string> ExportAsync(CancellationToken ct)
    {
        if (_exported is null)
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_export_snapshot()", _conn);
            var snapshot = (string)(await cmd.ExecuteScalarAsync(ct))!;
            if (!SnapshotId().IsMatch(snapshot))
            {
                throw new InvalidOperationException($"unexpected snapshot id '{snapshot}'");
            }
            _exported = snapshot;
        }
        return _exported;
    }

    /// <summary>
    /// A connection and a read-only transaction that see exactly <paramref name="snapshot"/>; <paramref name="settings"/>
    /// follow in the same command.
    /// </summary>
    async Task<(NpgsqlConnection Conn, NpgsqlTransaction Tx)> JoinAsync(string snapshot, string settings, CancellationToken ct)
    {
        var conn = await _dataSource.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            await using (var cmd = new NpgsqlCommand($"SET TRANSACTION READ ONLY; SET TRANSACTION SNAPSHOT '{snapshot}'{settings}", conn))
            {
                await cmd.ExecuteNonQueryAsync(ct);
            }
            return (conn, tx);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    [GeneratedRegex("^[0-9A-Fa-f-]+$")]
    private static partial Regex SnapshotId();
}
