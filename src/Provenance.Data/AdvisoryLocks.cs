using Npgsql;
using Provenance.Domain.Documents;

namespace Provenance.Data;

/// <summary>
/// Every PostgreSQL advisory lock the registry takes, in one place. Each kind of lock has its own namespace (the
/// first of the two <c>int</c> keys), so two kinds can never collide; the second key says what is locked. All are
/// transaction-scoped (<c>pg_advisory_xact_lock*</c>) and released at commit or rollback.
/// </summary>
internal static class AdvisoryLocks
{
    /// <summary>
    /// 256 buckets of the content hash's first byte. Writers of new documents hold their buckets shared, writers of
    /// pending edges hold theirs exclusive, so a document and an edge pending on it never pass each other unseen.
    /// </summary>
    public const int ContentHashBuckets = 0x50524F56; // "PROV"

    /// <summary>
    /// The lineage lock (second key 0): held exclusively by every transaction that may change the class or depth
    /// of a document that already exists, shared by those that only add documents.
    /// </summary>
    public const int Lineage = 0x50524F57;

    /// <summary>Version numbering within one dataset (second key: the dataset's id).</summary>
    public const int DatasetVersions = 0x50524F58;

    /// <summary>
    /// The search indexer's (second key 0): held by each batch of <c>SearchIndexer</c>, so that the API processes that
    /// all run one never compute the same documents' words twice.
    /// </summary>
    public const int SearchIndex = 0x50524F59;

    /// <summary>The bucket of <see cref="ContentHashBuckets"/> that guards <paramref name="hash"/>: its first byte.</summary>
    public static int BucketOf(ContentHash hash) => hash.Bytes[0];

    /// <summary>
    /// Takes content-hash buckets, each exclusively or shared, in ascending order, so that two writers always queue in
    /// the same order and cannot deadlock.
    /// </summary>
    public static async Task ContentHashBucketsAsync(NpgsqlConnection conn, IReadOnlyList<(int Bucket, bool Exclusive)> buckets, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT count(CASE WHEN b.x THEN pg_advisory_xact_lock({ContentHashBuckets}, b.n) ELSE pg_advisory_xact_lock_shared({ContentHashBuckets}, b.n) END)
              FROM (SELECT n, x FROM unnest(@n, @x) AS u(n, x) ORDER BY n) b
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<int[]>("n", [.. buckets.Select(b => b.Bucket)]));
        cmd.Parameters.Add(new NpgsqlParameter<bool[]>("x", [.. buckets.Select(b => b.Exclusive)]));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Takes the lineage lock, exclusively or shared.</summary>
    public static async Task LineageAsync(NpgsqlConnection conn, bool exclusive, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {(exclusive ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared")}({Lineage}, 0)", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Serializes version numbering of the dataset <paramref name="datasetId"/>.</summary>
    public static async Task DatasetVersionsAsync(NpgsqlConnection conn, int datasetId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({DatasetVersions}, @id)", conn);
        cmd.Parameters.Add(new NpgsqlParameter<int>("id", datasetId));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Takes the search indexer's lock: waits for it when <paramref name="wait"/>, otherwise answers false at once if
    /// another transaction holds it.
    /// </summary>
    public static async Task<bool> SearchIndexAsync(NpgsqlConnection conn, bool wait, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            wait ? $"SELECT true FROM pg_advisory_xact_lock({SearchIndex}, 0)" : $"SELECT pg_try_advisory_xact_lock({SearchIndex}, 0)", conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
