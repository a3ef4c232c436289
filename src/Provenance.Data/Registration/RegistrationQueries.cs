using Npgsql;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;

namespace Provenance.Data.Registration;

/// <summary>What registration reads from the registry to plan a batch and to answer it.</summary>
internal static class RegistrationQueries
{
    /// <summary>Which of <paramref name="ids"/> are registered documents.</summary>
    public static async Task<HashSet<long>> KnownIdsAsync(NpgsqlConnection conn, long[] ids, CancellationToken ct)
    {
        var known = new HashSet<long>();
        if (ids.Length == 0)
        {
            return known;
        }
        await using var cmd = new NpgsqlCommand($"SELECT d.id FROM unnest(@ids) AS x(id) {KeyProbe.Join("id", "documents", "id", "x.id", "d")}", conn);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            known.Add(reader.GetInt64(0));
        }
        return known;
    }

    /// <summary>Which of <paramref name="hashes"/> are registered.</summary>
    public static Task<HashSet<ContentHash>> ExistingHashesAsync(NpgsqlConnection conn, ContentHash[] hashes, CancellationToken ct) =>
        ReadHashesAsync(conn, $"SELECT d.content_hash FROM unnest(@h) AS x(hash) {KeyProbe.Join("content_hash", "document_hashes", "content_hash", "x.hash", "d")}", hashes, ct);

    /// <summary>Which of <paramref name="hashes"/> a pending edge waits for.</summary>
    public static Task<HashSet<ContentHash>> PendingTargetsAsync(NpgsqlConnection conn, ContentHash[] hashes, CancellationToken ct) =>
        ReadHashesAsync(conn, "SELECT DISTINCT parent_content_hash FROM pending_edges WHERE parent_content_hash = ANY(@h)", hashes, ct);

    static async Task<HashSet<ContentHash>> ReadHashesAsync(NpgsqlConnection conn, string sql, ContentHash[] hashes, CancellationToken ct)
    {
        var set = new HashSet<ContentHash>();
        if (hashes.Length == 0)
        {
            return set;
        }
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("h", [.. hashes.Select(h => h.ToArray())]));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            set.Add(new ContentHash(reader.GetFieldValue<byte[]>(0)));
        }
        return set;
    }

    /// <summary>The stored state of the documents with <paramref name="hashes"/>, for the answers.</summary>
    public static async Task<Dictionary<ContentHash, DocumentState>> StateAsync(NpgsqlConnection conn, ContentHash[] hashes, CancellationToken ct)
    {
        var state = new Dictionary<ContentHash, DocumentState>(hashes.Length);
        await using var cmd = new NpgsqlCommand($"""
            SELECT d.id, d.content_hash, d.class, d.depth, (SELECT count(*)::int FROM pending_edges pe WHERE pe.child_id = d.id)
              FROM unnest(@h) AS x(hash)
                   {KeyProbe.Join("document_id", "document_hashes", "content_hash", "x.hash", "h")}
                   {KeyProbe.Join("id, content_hash, class, depth", "documents", "id", "h.document_id", "d")}
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("h", [.. hashes.Select(h => h.ToArray())]));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            state[new ContentHash(reader.GetFieldValue<byte[]>(1))] = new DocumentState(
                reader.GetInt64(0), reader.GetFieldValue<ProvenanceClass>(2), reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.GetInt32(4));
        }
        return state;
    }
}
