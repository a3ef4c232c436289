using Npgsql;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>What a spec's optional checks need of a document beyond its row: its human roots and its text's MinHash.</summary>
internal static class CandidateChecks
{
    /// <summary>The nearest human ancestors of each of <paramref name="ids"/> (the walk stops at human documents).</summary>
    public static async Task<Dictionary<long, long[]>> HumanRootsAsync(NpgsqlConnection conn, long[] ids, CancellationToken ct)
    {
        var roots = new Dictionary<long, List<long>>();
        if (ids.Length > 0)
        {
            await using var cmd = new NpgsqlCommand("""
                WITH RECURSIVE up(start, id) AS (
                    SELECT s, s FROM unnest(@ids) AS s
                    UNION
                    SELECT up.start, e.parent_id
                      FROM up JOIN documents d ON d.id = up.id JOIN lineage_edges e ON e.child_id = up.id
                     WHERE d.class <> 'human')
                SELECT up.start, up.id FROM up JOIN documents d ON d.id = up.id WHERE d.class = 'human' AND up.id <> up.start
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var start = reader.GetInt64(0);
                if (!roots.TryGetValue(start, out var list))
                {
                    roots[start] = list = [];
                }
                list.Add(reader.GetInt64(1));
            }
        }
        return roots.ToDictionary(r => r.Key, r => r.Value.ToArray());
    }

    /// <summary>MinHash signatures of the texts of <paramref name="ids"/>, computed on every core.</summary>
    public static async Task<Dictionary<long, uint[]>> SignaturesAsync(NpgsqlConnection conn, long[] ids, CancellationToken ct)
    {
        var texts = new List<(long Id, string Text)>(ids.Length);
        await using (var cmd = new NpgsqlCommand("SELECT document_id, text FROM document_texts WHERE document_id = ANY(@ids)", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                texts.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }
        var signatures = new uint[texts.Count][];
        Parallel.For(0, texts.Count, i => signatures[i] = MinHash.Signature(texts[i].Text));
        return texts.Select((t, i) => (t.Id, signatures[i])).ToDictionary(x => x.Id, x => x.Item2);
    }
}
