using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using Provenance.Contracts.Datasets;
using Provenance.Data.Lineage;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;

namespace Provenance.Data.Datasets;

/// <summary>
/// Reads dataset versions for the API, the CLI and training jobs. Versions are immutable, so every read of one
/// gives the same answer; document streams read straight from PostgreSQL a chunk at a time, without buffering the version.
/// </summary>
public sealed class DatasetQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Small enough that a chunk's lookups take milliseconds, large enough that its round trip does not count.</summary>
    internal const int DefaultChunkSize = 5_000;

    /// <summary>Positions read per query of a document stream. It changes how often the registry is asked, never what a stream holds.</summary>
    internal int ChunkSize { get; init; } = DefaultChunkSize;

    const string SummaryColumns = """
        v.id, ds.name, v.number, v.manifest_hash, v.document_count, v.token_count, v.human_share,
        bds.name, bv.number, v.created_at, v.requested_by
        """;

    const string SummaryJoins = """
        dataset_versions v JOIN datasets ds ON ds.id = v.dataset_id
          LEFT JOIN dataset_versions bv ON bv.id = v.base_version_id
          LEFT JOIN datasets bds ON bds.id = bv.dataset_id
        """;

    /// <summary>The id of the version <paramref name="versionRef"/> names, or null.</summary>
    public async Task<long?> FindAsync(DatasetVersionRef versionRef, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await FindAsync(conn, versionRef, ct);
    }

    internal static async Task<long?> FindAsync(NpgsqlConnection conn, DatasetVersionRef versionRef, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(versionRef switch
        {
            { Id: not null } => "SELECT id FROM dataset_versions WHERE id = @id",
            { Number: not null } => "SELECT v.id FROM dataset_versions v JOIN datasets ds ON ds.id = v.dataset_id WHERE ds.name = @name AND v.number = @number",
            _ => "SELECT v.id FROM dataset_versions v JOIN datasets ds ON ds.id = v.dataset_id WHERE ds.name = @name ORDER BY v.number DESC LIMIT 1",
        }, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long>("id", versionRef.Id ?? 0));
        cmd.Parameters.Add(new NpgsqlParameter<string>("name", versionRef.Dataset ?? ""));
        cmd.Parameters.Add(new NpgsqlParameter<int>("number", versionRef.Number ?? 0));
        return await cmd.ExecuteScalarAsync(ct) is long id ? id : null;
    }

    /// <summary>The version with its manifest; <paramref name="status"/> says how the caller came by it.</summary>
    public async Task<DatasetVersionResponse?> GetAsync(long id, string status, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {SummaryColumns}, v.manifest FROM {SummaryJoins} WHERE v.id = @id");
        cmd.Parameters.Add(new NpgsqlParameter<long>("id", id));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var s = ReadSummary(reader);
        return new DatasetVersionResponse(s.Id, s.Dataset, s.Version, s.Ref, s.ManifestHash, status, s.Documents, s.Tokens, s.HumanShare, s.Base,
            s.CreatedAt, s.RequestedBy, ManifestFormat.ParseHeader(reader.GetString(11)));
    }

    /// <summary>The version made for bus request <paramref name="requestId"/>, if any.</summary>
    public async Task<long?> FindByRequestAsync(Guid requestId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id FROM dataset_versions WHERE request_id = @r");
        cmd.Parameters.Add(new NpgsqlParameter<Guid>("r", requestId));
        return await cmd.ExecuteScalarAsync(ct) is long id ? id : null;
    }

    /// <summary>Every dataset with its versions, oldest first.</summary>
    public async Task<IReadOnlyList<DatasetResponse>> ListAsync(CancellationToken ct)
    {
        var datasets = new List<(string Name, DateTimeOffset CreatedAt)>();
        await using (var cmd = dataSource.CreateCommand("SELECT name, created_at FROM datasets ORDER BY name"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                datasets.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }
        }
        var versions = new List<DatasetVersionSummary>();
        await using (var cmd = dataSource.CreateCommand($"SELECT {SummaryColumns} FROM {SummaryJoins} ORDER BY ds.name, v.number"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                versions.Add(ReadSummary(reader));
            }
        }
        var byDataset = versions.ToLookup(v => v.Dataset);
        return [.. datasets.Select(d => new DatasetResponse(d.Name, d.CreatedAt, [.. byDataset[d.Name]]))];
    }

    /// <summary>
    /// The version and the bases it accumulates on, the first version of the chain first. The chain is followed with
    /// the same frontier walk as lineage, one version per level: dataset_versions is a small reference table, but one
    /// mechanism for every walk keeps recursive SQL out of the code that must run on Citus. Versions never change once
    /// written, so reads at READ COMMITTED give the one answer.
    /// </summary>
    public async Task<IReadOnlyList<DatasetVersionSummary>> ChainAsync(long id, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var frontier = new Frontier(conn, FrontierStep.DatasetBases);
        await frontier.WalkAsync([id], int.MaxValue, int.MaxValue, onward: null, ct);
        await using var cmd = new NpgsqlCommand($"SELECT {SummaryColumns} FROM {SummaryJoins} WHERE v.id = ANY(@ids)", conn);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. frontier.Order]));
        var chain = new List<(int Distance, DatasetVersionSummary Version)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            chain.Add((frontier.Distances[reader.GetInt64(0)], ReadSummary(reader)));
        }
        return [.. chain.OrderByDescending(c => c.Distance).Select(c => c.Version)];
    }

    /// <summary>Writes the canonical manifest, the bytes whose SHA-256 is the manifest hash.</summary>
    public async Task WriteManifestAsync(long id, Stream output, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        string header;
        await using (var cmd = new NpgsqlCommand("SELECT manifest FROM dataset_versions WHERE id = @id", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter<long>("id", id));
            header = (string)(await cmd.ExecuteScalarAsync(ct))!;
        }
        var documents = ChunksAsync(conn, "SELECT v.ordinal, v.document_id, d.content_hash FROM dataset_version_documents v JOIN documents d ON d.id = v.document_id",
            id, 0, long.MaxValue, r => (r.GetInt64(1), r.GetFieldValue<byte[]>(2)), ct);
        await ManifestFormat.WriteAsync(output, Encoding.UTF8.GetBytes(header), documents, ct);
    }

    /// <summary>
    /// The version's documents from position <paramref name="offset"/>, in order, with their texts unless
    /// <paramref name="includeText"/> is false; at most <paramref name="limit"/> positions. Class, generator, depth and
    /// tokens are those the version counted.
    /// </summary>
    public async IAsyncEnumerable<DatasetDocument> DocumentsAsync(
        long id, long offset, long? limit, bool includeText, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var select = $"""
            SELECT v.ordinal, v.document_id, d.content_hash, v.class, v.counted_as, g.name, g.version, v.depth, v.token_count,
                   d.language, d.licence, d.source_domain, {(includeText ? "t.text" : "NULL::text")}
              FROM dataset_version_documents v
              JOIN documents d ON d.id = v.document_id
              LEFT JOIN generators g ON g.id = v.generator_id
              {(includeText ? "JOIN document_texts t ON t.document_id = v.document_id" : "")}
            """;
        var end = limit is { } l && l < long.MaxValue - offset ? offset + l : long.MaxValue;
        await foreach (var document in ChunksAsync(conn, select, id, offset, end, ReadDocument, ct))
        {
            yield return document;
        }
    }

    static DatasetDocument ReadDocument(NpgsqlDataReader reader) => new(
        reader.GetInt32(0), reader.GetInt64(1), new ContentHash(reader.GetFieldValue<byte[]>(2)).ToString(),
        WireNames.Of(reader.GetFieldValue<ProvenanceClass>(3)), WireNames.Of(reader.GetFieldValue<ProvenanceClass>(4)),
        LineageQueries.GeneratorOf(reader, 5), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.GetInt32(8),
        reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12));

    /// <summary>
    /// Rows of <paramref name="select"/> (whose first column is <c>v.ordinal</c>, <c>v</c> being the version's
    /// <c>dataset_version_documents</c>) for the positions from <paramref name="from"/> up to <paramref name="end"/>, in
    /// order, read a chunk of <see cref="ChunkSize"/> positions at a time. Each chunk is its own query, a range scan of the
    /// primary key <c>(version_id, ordinal)</c> with index lookups for the joins, so its first row comes after a few
    /// lookups and no single query grows with the version: one query over a million-document version could wait on its
    /// joins longer than the command timeout before sending its first row. A version never changes once written
    /// (triggers refuse it), so the chunks read together exactly the rows one query would have.
    /// </summary>
    async IAsyncEnumerable<T> ChunksAsync<T>(NpgsqlConnection conn, string select, long id, long from, long end,
        Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken ct)
    {
        var sql = select + "\n WHERE v.version_id = @id AND v.ordinal >= @from AND v.ordinal < @end ORDER BY v.ordinal LIMIT @n";
        while (from < end)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.Add(new NpgsqlParameter<long>("id", id));
            cmd.Parameters.Add(new NpgsqlParameter<long>("from", from));
            cmd.Parameters.Add(new NpgsqlParameter<long>("end", end));
            cmd.Parameters.Add(new NpgsqlParameter<int>("n", ChunkSize));
            var rows = 0;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows++;
                from = reader.GetInt32(0) + 1L;
                yield return read(reader);
            }
            if (rows < ChunkSize)
            {
                yield break;
            }
        }
    }

    static DatasetVersionSummary ReadSummary(NpgsqlDataReader r)
    {
        var dataset = r.GetString(1);
        var number = r.GetInt32(2);
        return new DatasetVersionSummary(r.GetInt64(0), dataset, number, $"{dataset}@{number}", ManifestFormat.ToText(r.GetFieldValue<byte[]>(3)),
            r.GetInt64(4), r.GetInt64(5), r.GetDouble(6), r.IsDBNull(7) ? null : $"{r.GetString(7)}@{r.GetInt32(8)}",
            r.GetFieldValue<DateTimeOffset>(9), r.GetString(10));
    }
}
