using System.Globalization;
using Npgsql;

namespace Provenance.Bench;

/// <summary>
/// Prints the disk each table and index of the registry takes, per row and per document: the measured input of the
/// capacity arithmetic in docs/scale-out.md. A partitioned table is summed over its partitions, and each index over
/// the partitions' indexes, so the figures compare across <c>Database:Partitions</c> modes.
/// </summary>
public static class StorageReport
{
    public static async Task PrintAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        // Sizes count dead tuples and free space too, as a live registry's disk does; "heap" includes the free-space and
        // visibility maps, "toast" the TOAST table and its index. pg_partition_tree lists nothing for a table that is not
        // partitioned, hence the UNION.
        var tables = new List<(string Name, long Rows, long Heap, long Toast, long Indexes)>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT t.relname, sum(pg_table_size(l.relid) - l.toast)::bigint, sum(l.toast)::bigint, sum(pg_indexes_size(l.relid))::bigint
            FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
            CROSS JOIN LATERAL (
                SELECT c.oid AS relid, coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast
                FROM pg_class c
                WHERE c.oid IN (SELECT p.relid FROM pg_partition_tree(t.oid) p WHERE p.isleaf UNION ALL SELECT t.oid WHERE t.relkind = 'r')) l
            WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND NOT t.relispartition
              AND t.relname <> '__EFMigrationsHistory'
            GROUP BY t.relname ORDER BY t.relname
            """))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tables.Add((reader.GetString(0), 0, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }
        for (var i = 0; i < tables.Count; i++)
        {
            await using var count = dataSource.CreateCommand($"SELECT count(*) FROM \"{tables[i].Name}\"");
            count.CommandTimeout = 0; // a scan of every row: minutes at 100 million
            tables[i] = tables[i] with { Rows = (long)(await count.ExecuteScalarAsync(ct))! };
        }

        var indexes = new List<(string Table, string Name, long Bytes)>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT tr.relname, ir.relname, sum(pg_relation_size(i.indexrelid))::bigint
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid AND ic.relkind = 'i'
            JOIN pg_class ir ON ir.oid = coalesce(pg_partition_root(i.indexrelid), i.indexrelid)
            JOIN pg_class tr ON tr.oid = coalesce(pg_partition_root(i.indrelid), i.indrelid)
            JOIN pg_namespace n ON n.oid = tr.relnamespace
            WHERE n.nspname = current_schema() AND tr.relname <> '__EFMigrationsHistory'
            GROUP BY tr.relname, ir.relname ORDER BY tr.relname, ir.relname
            """))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        static string PerRow(long bytes, long rows, string unit = "row") =>
            rows == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)rows:N0} B/{unit}");
        static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:N1} MB");
        foreach (var t in tables.Where(t => t.Heap + t.Toast + t.Indexes > 0))
        {
            var total = t.Heap + t.Toast + t.Indexes;
            Report.Line($"disk: {t.Name}", $"{t.Rows:N0} rows, {Mb(total)}", PerRow(total, t.Rows),
                $"heap {PerRow(t.Heap, t.Rows)}, toast {PerRow(t.Toast, t.Rows)}, indexes {PerRow(t.Indexes, t.Rows)}");
            foreach (var ix in indexes.Where(ix => ix.Table == t.Name))
            {
                Report.Line($"disk:   {ix.Name}", Mb(ix.Bytes), PerRow(ix.Bytes, t.Rows), "");
            }
        }

        var documents = tables.FirstOrDefault(t => t.Name == "documents").Rows;
        var all = tables.Sum(t => t.Heap + t.Toast + t.Indexes);
        var texts = tables.Where(t => t.Name == "document_texts").Sum(t => t.Heap + t.Toast + t.Indexes);
        Report.Line("disk per document", $"{documents:N0} documents, {Mb(all)} in all", PerRow(all, documents, "document"),
            $"without document_texts (and its search index) {PerRow(all - texts, documents, "document")}");
    }
}
