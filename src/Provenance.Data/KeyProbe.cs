namespace Provenance.Data;

/// <summary>
/// SQL that looks a row up by a table's key once per value of the query's other side:
/// <c>(SELECT … FROM table WHERE key = value LIMIT 1)</c>, joined laterally or read as a scalar. The LIMIT keeps the
/// planner from flattening the lookup into a join, so each value probes one index of one partition, pruned at run
/// time, whatever the table's size. A plain join (or <c>key = ANY(@array)</c>) instead lets the planner pick a plan
/// over the whole table: on a hash-partitioned table every probe costs it one index per partition, so from about a
/// million rows it hashes every partition instead, a cost that grows with the registry (at 1M documents in 16
/// partitions, 300-500 ms a batch for each statement that joined staged rows to <c>document_hashes</c> or
/// <c>documents</c>; docs/scale-out.md).
/// </summary>
/// <remarks>For a key that is not unique the lookup says only whether a row exists, with one of them.</remarks>
internal static class KeyProbe
{
    /// <summary>The lookup as a derived table: its <paramref name="columns"/> for the row whose <paramref name="key"/> is <paramref name="value"/>.</summary>
    public static string Lookup(string columns, string table, string key, string value) =>
        $"(SELECT {columns} FROM {table} WHERE {key} = {value} LIMIT 1)";

    /// <summary><c>CROSS JOIN LATERAL</c> the lookup as <paramref name="alias"/>: values without a row drop out.</summary>
    public static string Join(string columns, string table, string key, string value, string alias) =>
        $"CROSS JOIN LATERAL {Lookup(columns, table, key, value)} {alias}";

    /// <summary><c>LEFT JOIN LATERAL</c> the lookup as <paramref name="alias"/>: values without a row get NULLs.</summary>
    public static string LeftJoin(string columns, string table, string key, string value, string alias) =>
        $"LEFT JOIN LATERAL {Lookup(columns, table, key, value)} {alias} ON true";
}
