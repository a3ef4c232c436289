using Npgsql;

namespace Provenance.Data.Registration;

/// <summary>
/// Writes the items that may close a lineage cycle one at a time through the staged merge, each inside a
/// savepoint that is rolled back, and the item rejected, when it would make a document its own ancestor. The
/// caller holds the lineage lock exclusively, so no other writer changes the graph meanwhile.
/// </summary>
internal static class CycleGuard
{
    public static async Task WriteEachAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IEnumerable<RegistrationItem> items,
        RegistrationEffects effects, RegistrationResult?[] results, CancellationToken ct)
    {
        foreach (var item in items)
        {
            await tx.SaveAsync("item", ct);
            var local = new RegistrationEffects();
            var ids = await StagedMerge.WriteAsync(conn, [item], local, ct);
            var id = ids[item.S.Hash];
            // A document this item would have created is rolled back with it: name it by its hash, not its short-lived id.
            var who = local.Created.Contains(id) ? $"this document (content hash {item.S.Hash})" : $"document {id}";
            var reason = item.S.Parents.Any(p => p.Id == id)
                ? $"{who} cannot be its own parent."
                : await ClosesCycleAsync(conn, id, ct)
                    ? $"the declared lineage would make {who} its own ancestor (a cycle); one of its parents already descends from it."
                    : null;
            if (reason is null)
            {
                await tx.ReleaseAsync("item", ct);
                effects.Add(local);
            }
            else
            {
                await tx.RollbackAsync("item", ct);
                results[item.Index] = RegistrationResult.Rejected(item.Index, RejectionCode.Cycle, reason, item.S.Hash);
            }
        }
    }

    static async Task<bool> ClosesCycleAsync(NpgsqlConnection conn, long id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            WITH RECURSIVE up(id) AS (
                SELECT parent_id FROM lineage_edges WHERE child_id = @id
                UNION
                SELECT e.parent_id FROM lineage_edges e JOIN up ON e.child_id = up.id)
            SELECT EXISTS (SELECT 1 FROM up WHERE id = @id)
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
