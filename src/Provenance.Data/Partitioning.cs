using System.Globalization;

namespace Provenance.Data;

/// <summary>
/// The partitioned mode (<c>Database:Partitions</c>): the hot tables as PostgreSQL hash-partitioned tables on their
/// distribution columns (docs/scale-out.md), the stand-in for a distributed engine that can be tested here. The schema
/// is the same in both modes (every unique key contains its table's column below); only this changes.
/// </summary>
/// <remarks>
/// The migrations are static, so the number of partitions reaches them through a session setting that
/// <see cref="RegistrySchema.MigrateAsync"/> sets on the migration connection; <see cref="ConvergeSql"/> reads it.
/// </remarks>
public static class Partitioning
{
    /// <summary>The session setting the migrations read the number of partitions from.</summary>
    public const string Setting = "provenance.partitions";

    public const int Max = 256;

    /// <summary>
    /// The number of partitions the migrations create, as SQL: <see cref="Setting"/>; without it, the number the
    /// database was built with (so that a migration run without the setting keeps the mode); 1 for a new database.
    /// </summary>
    public const string SettingSql =
        $"COALESCE(NULLIF(current_setting('{Setting}', true), '')::int, (SELECT value::int FROM registry_settings WHERE name = 'partitions'), 1)";

    /// <summary>
    /// Every partitioned table and the column it is partitioned on, in the order they are converted. A table that does
    /// not exist yet is skipped; the migration that creates it converges again (<see cref="ConvergeSql"/>).
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Column)> Tables =
    [
        ("documents", "id"),
        ("document_texts", "document_id"),
        ("document_hashes", "content_hash"),
        ("sightings", "document_id"),
        ("assertions", "document_id"),
        ("lineage_edges", "child_id"),
        ("pending_edges", "child_id"),
        ("dataset_version_documents", "version_id"),
        ("document_search", "document_id"),
    ];

    /// <summary>The name of partition <paramref name="index"/> of <paramref name="table"/>.</summary>
    public static string PartitionName(string table, int index) => $"{table}_p{index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Whether <paramref name="relation"/> (as PostgreSQL names it in an error) is <paramref name="table"/> or one of its
    /// partitions: a constraint violation in partitioned mode names the partition.
    /// </summary>
    public static bool IsTableOrPartition(string? relation, string table) =>
        relation == table
        || relation is not null && relation.Length > table.Length + 2 && relation.StartsWith(table + "_p", StringComparison.Ordinal)
           && relation.AsSpan(table.Length + 2).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>
    /// SQL that brings every table of <see cref="Tables"/> that exists to <paramref name="partitionsSql"/> hash partitions
    /// (1: a plain table), and records the number in <c>registry_settings</c>. A table already so is left alone; any
    /// other is rebuilt: renamed, created again partitioned (or plain) with its columns, defaults, identity and checks,
    /// its rows copied, the old one dropped, then its keys, indexes, triggers and the foreign keys to and from it
    /// recreated from the catalog, and each partition's indexes named after the table's with the partition's suffix. Cheap on a new database; on a populated one it copies each table once.
    /// </summary>
    /// <param name="partitionsSql">A SQL expression of the number of partitions.</param>
    public static string ConvergeSql(string partitionsSql)
    {
        var tables = string.Join(", ", Tables.Select(t => $"('{t.Table}', '{t.Column}')"));
        return $$"""
            CREATE TABLE IF NOT EXISTS registry_settings (name text PRIMARY KEY, value text NOT NULL);
            DO $converge$
            DECLARE
                n int := {{partitionsSql}};
                t record;
                rel oid;
                current_n int;
                old_name text;
                seq text;
                last bigint;
                columns text;
                recreate text[];
                fk record;
                stmt text;
            BEGIN
                IF n IS NULL OR n < 1 OR n > {{Max}} THEN
                    RAISE EXCEPTION 'the number of partitions must be between 1 and {{Max}}, not %', n;
                END IF;
                FOR t IN SELECT * FROM (VALUES {{tables}}) AS v(tbl, col) LOOP
                    rel := to_regclass(quote_ident(t.tbl));
                    CONTINUE WHEN rel IS NULL;
                    SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = rel)
                                THEN (SELECT count(*) FROM pg_inherits WHERE inhparent = rel) ELSE 1 END INTO current_n;
                    CONTINUE WHEN current_n = n;

                    -- What the new table needs again: its keys and other indexes, its triggers, the foreign keys from it
                    -- and to it (LIKE below copies columns, defaults, identity, generated columns and checks).
                    SELECT coalesce(array_agg(s ORDER BY o), '{}') INTO recreate FROM (
                        SELECT 1 AS o, format('ALTER TABLE %I ADD CONSTRAINT %I %s', t.tbl, c.conname, pg_get_constraintdef(c.oid)) AS s
                          FROM pg_constraint c WHERE c.conrelid = rel AND c.contype IN ('p', 'u')
                        UNION ALL
                        SELECT 2, pg_get_indexdef(i.indexrelid)
                          FROM pg_index i WHERE i.indrelid = rel AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = rel)
                        UNION ALL
                        SELECT 3, pg_get_triggerdef(g.oid) FROM pg_trigger g WHERE g.tgrelid = rel AND NOT g.tgisinternal AND g.tgparentid = 0
                        UNION ALL
                        SELECT 4, format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
                          FROM pg_constraint c WHERE c.contype = 'f' AND (c.conrelid = rel OR c.confrelid = rel) AND c.conparentid = 0) x;
                    FOR fk IN SELECT c.conrelid::regclass AS tbl, c.conname FROM pg_constraint c
                               WHERE c.contype = 'f' AND (c.conrelid = rel OR c.confrelid = rel) AND c.conparentid = 0 LOOP
                        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
                    END LOOP;

                    old_name := t.tbl || '_converging';
                    EXECUTE format('ALTER TABLE %I RENAME TO %I', t.tbl, old_name);
                    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS '
                                   'INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS INCLUDING STATISTICS)%s',
                                   t.tbl, old_name, CASE WHEN n > 1 THEN format(' PARTITION BY HASH (%I)', t.col) ELSE '' END);
                    IF n > 1 THEN
                        FOR i IN 0 .. n - 1 LOOP
                            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, REMAINDER %s)', t.tbl || '_p' || i, t.tbl, n, i);
                        END LOOP;
                    END IF;

                    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO columns
                      FROM pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(old_name)) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
                    EXECUTE format('INSERT INTO %I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %I', t.tbl, columns, columns, old_name);

                    -- The identity sequence goes on where the old one was, under the old one's name.
                    FOR fk IN SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(t.tbl)) AND a.attidentity <> '' LOOP
                        seq := pg_get_serial_sequence(quote_ident(old_name), fk.attname);
                        last := pg_sequence_last_value(seq::regclass);
                        EXECUTE format('DROP TABLE %I', old_name);
                        old_name := NULL;
                        IF last IS NOT NULL THEN
                            PERFORM setval(pg_get_serial_sequence(quote_ident(t.tbl), fk.attname), last);
                        END IF;
                        EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', pg_get_serial_sequence(quote_ident(t.tbl), fk.attname), (parse_ident(seq))[array_length(parse_ident(seq), 1)]);
                    END LOOP;
                    IF old_name IS NOT NULL THEN
                        EXECUTE format('DROP TABLE %I', old_name);
                    END IF;

                    FOREACH stmt IN ARRAY recreate LOOP
                        EXECUTE stmt;
                    END LOOP;
                    -- Each partition's indexes (and the constraints they back) are named after the table's, so that plans
                    -- and errors read the same in both modes: pk_documents_p3, ix_sightings_uri_p0.
                    FOR fk IN SELECT ci.relname AS child, pi.relname AS parent, substring(pc.relname FROM '_p([0-9]+)$') AS k
                                FROM pg_index x
                                JOIN pg_class pi ON pi.oid = x.indexrelid
                                JOIN pg_inherits h ON h.inhparent = x.indexrelid
                                JOIN pg_class ci ON ci.oid = h.inhrelid
                                JOIN pg_index cx ON cx.indexrelid = ci.oid
                                JOIN pg_class pc ON pc.oid = cx.indrelid
                               WHERE x.indrelid = to_regclass(quote_ident(t.tbl)) LOOP
                        EXECUTE format('ALTER INDEX %I RENAME TO %I', fk.child, left(fk.parent, 58) || '_p' || fk.k);
                    END LOOP;
                END LOOP;
                INSERT INTO registry_settings (name, value) VALUES ('partitions', n::text)
                    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
            END
            $converge$;
            """;
    }
}
