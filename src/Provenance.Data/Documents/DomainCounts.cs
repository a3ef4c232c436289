using Npgsql;

namespace Provenance.Data.Documents;

/// <summary>
/// Documents per source domain, from the rows the triggers on <c>documents</c> append to <c>document_domain_counts</c>
/// (see <see cref="DocumentDomainCount"/>).
/// </summary>
public static class DomainCounts
{
    /// <summary>Each domain's documents (the empty domain: documents that name none), at the reader's snapshot.</summary>
    public const string ReadSql = "SELECT domain, sum(documents)::bigint FROM document_domain_counts GROUP BY domain HAVING sum(documents) <> 0";

    /// <summary>
    /// Compacts (<see cref="CompactAsync"/>) when the rows are more than twice the domains and a thousand beyond: a
    /// compacted table is left alone, so an idle registry rewrites nothing.
    /// </summary>
    /// <returns>The rows before and after; equal when nothing was done.</returns>
    public static async Task<(long Before, long After)> CompactIfWorthAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using (var count = dataSource.CreateCommand("SELECT count(*), count(DISTINCT domain) FROM document_domain_counts"))
        await using (var reader = await count.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            var (rows, domains) = (reader.GetInt64(0), reader.GetInt64(1));
            if (rows <= 2 * domains + 1_000)
            {
                return (rows, rows);
            }
        }
        return await CompactAsync(dataSource, ct);
    }

    /// <summary>
    /// Replaces the rows with a row per domain, in one statement: it deletes the rows its snapshot sees and inserts their
    /// sums, so a reader sees either the rows or their sums, and rows appended meanwhile (not visible to it) stay. Two
    /// compactions at once cannot count a row twice: a row the first deleted is skipped by the second, whose snapshot
    /// does not see the first one's sums.
    /// </summary>
    /// <returns>The rows before and after.</returns>
    public static async Task<(long Before, long After)> CompactAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            WITH gone AS (DELETE FROM document_domain_counts RETURNING domain, documents),
                 summed AS (INSERT INTO document_domain_counts (domain, documents)
                            SELECT domain, sum(documents) FROM gone GROUP BY domain HAVING sum(documents) <> 0
                            RETURNING 1)
            SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM summed)
            """);
        cmd.CommandTimeout = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
