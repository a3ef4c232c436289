using Npgsql;
using Provenance.Data.Derived;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Tests.Derived;

/// <summary>
/// The SQL that stores depths gives what <see cref="GenerationDepth.Of"/> gives, for every class and every kind of
/// lineage, evaluated by PostgreSQL on the class as text (as the staged merge has it) and as provenance_class (as
/// documents has it).
/// </summary>
public class GenerationDepthSqlTests
{
    /// <summary>A parent: registered with a depth (or none), or pending (named by a hash not registered yet).</summary>
    sealed record Parent(bool Pending, int? Depth);

    static readonly Parent[][] Lineages =
    [
        [], [new(false, 0)], [new(false, 3)], [new(false, null)], [new(true, null)],
        [new(false, 0), new(false, 4)], [new(false, 2), new(false, null)], [new(false, 5), new(true, null)],
        [new(true, null), new(true, null)], [new(false, null), new(true, null)],
    ];

    [Fact]
    public async Task TheSqlRuleGivesTheDepthTheCSharpRuleGivesForEveryCombinationOfInputs()
    {
        var cases = (from cls in Enum.GetValues<ProvenanceClass>() from lineage in Lineages select (cls, lineage)).ToList();
        var expected = cases.Select(c => GenerationDepth.Of(c.cls,
            [.. c.lineage.Where(p => !p.Pending).Select(p => p.Depth)], c.lineage.Any(p => p.Pending))).ToList();
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using (var type = new NpgsqlCommand(
            $"CREATE TYPE pg_temp.provenance_class AS ENUM ({string.Join(", ", WireNames.All<ProvenanceClass>().Select(n => $"'{n}'"))})", conn))
        {
            await type.ExecuteNonQueryAsync();
        }

        foreach (var cls in new[] { "c.cls", "c.cls::pg_temp.provenance_class" })
        {
            // Aggregated over the parent rows like the registry's statements do: NULLs where a document has no parents.
            await using var cmd = new NpgsqlCommand($"""
                SELECT {GenerationDepthSql.Of(cls, "a.pending", "a.unknown_depth", "a.max_depth")}
                  FROM unnest(@i, @cls) AS c(i, cls)
                  LEFT JOIN (SELECT p.i, bool_or(p.pending) AS pending, bool_or(NOT p.pending AND p.depth IS NULL) AS unknown_depth,
                                    max(p.depth) AS max_depth
                               FROM unnest(@pi, @pp, @pd) AS p(i, pending, depth)
                              GROUP BY p.i) a ON a.i = c.i
                 ORDER BY c.i
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter<int[]>("i", [.. Enumerable.Range(0, cases.Count)]));
            cmd.Parameters.Add(new NpgsqlParameter<string[]>("cls", [.. cases.Select(c => WireNames.Of(c.cls))]));
            var parents = cases.SelectMany((c, i) => c.lineage.Select(p => (i, p))).ToList();
            cmd.Parameters.Add(new NpgsqlParameter<int[]>("pi", [.. parents.Select(p => p.i)]));
            cmd.Parameters.Add(new NpgsqlParameter<bool[]>("pp", [.. parents.Select(p => p.p.Pending)]));
            cmd.Parameters.Add(new NpgsqlParameter<int?[]>("pd", [.. parents.Select(p => p.p.Depth)]));
            var actual = new List<int?>();
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    actual.Add(reader.IsDBNull(0) ? null : reader.GetInt32(0));
                }
            }

            Assert.Equal(expected, actual);
        }
    }

    static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("PROVENANCE_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "This test needs a PostgreSQL server: run deploy/scripts/test.sh, which starts one, or set PROVENANCE_TEST_POSTGRES.");
}
