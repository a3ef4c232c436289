using Npgsql;
using Provenance.Data.Lineage;

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

    /// <summary>
    /// Whether <paramref name="id"/> is among its own ancestors. The walk goes up a level at a time from the document
    /// and stops when it meets it again or runs out of parents: the graph was acyclic before this item, so every cycle
    /// passes through it. It reads in the writer's transaction at READ COMMITTED, which is enough: the caller holds the
    /// lineage lock, so no other writer changes the graph between levels, and the item's own edges are visible to it.
    /// </summary>
    static async Task<bool> ClosesCycleAsync(NpgsqlConnection conn, long id, CancellationToken ct)
    {
        // The document itself is left unvisited, so that a level that reaches it again returns it.
        var frontier = new Frontier(conn, FrontierStep.Parents);
        IReadOnlyCollection<long> level = [id];
        for (var distance = 1; level.Count > 0; distance++)
        {
            level = await frontier.NextAsync(level, int.MaxValue, ct);
            if (level.Contains(id))
            {
                return true;
            }
            frontier.Visit(level, distance);
        }
        return false;
    }
}
