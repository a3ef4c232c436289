using Npgsql;
using Provenance.Domain.Generators;

namespace Provenance.Data.Generators;

internal static class GeneratorStore
{
    /// <summary>Returns the ids of <paramref name="names"/>, creating the generators that are new.</summary>
    public static async Task<Dictionary<GeneratorName, int>> EnsureAsync(NpgsqlConnection conn, IEnumerable<GeneratorName?> names, CancellationToken ct)
    {
        // Sorted so that concurrent writers insert in the same order and cannot deadlock on the unique index.
        var distinct = names.OfType<GeneratorName>().Distinct()
            .OrderBy(g => g.Name, StringComparer.Ordinal).ThenBy(g => g.Version, StringComparer.Ordinal).ToArray();
        var ids = new Dictionary<GeneratorName, int>();
        if (distinct.Length == 0)
        {
            return ids;
        }
        var n = distinct.Select(g => g.Name).ToArray();
        var v = distinct.Select(g => g.Version).ToArray();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO generators (name, version)
            SELECT * FROM unnest(@n::text[], @v::text[]) ORDER BY 1, 2
            ON CONFLICT (name, version) DO NOTHING
            """, conn))
        {
            insert.Parameters.Add(new NpgsqlParameter<string[]>("n", n));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("v", v));
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using var select = new NpgsqlCommand("""
            SELECT g.id, g.name, g.version FROM generators g
              JOIN unnest(@n::text[], @v::text[]) AS w(name, version) ON g.name = w.name AND g.version = w.version
            """, conn);
        select.Parameters.Add(new NpgsqlParameter<string[]>("n", n));
        select.Parameters.Add(new NpgsqlParameter<string[]>("v", v));
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids[new GeneratorName(reader.GetString(1), reader.GetString(2))] = reader.GetInt32(0);
        }
        return ids;
    }
}
