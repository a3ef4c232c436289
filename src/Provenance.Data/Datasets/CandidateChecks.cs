using Npgsql;
using Provenance.Data.Lineage;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>What a spec's optional checks need of a document beyond its row: its human roots and its text's MinHash.</summary>
internal static class CandidateChecks
{
    /// <summary>
    /// The nearest human ancestors of each of <paramref name="ids"/> (a path stops at the first human document; a
    /// human document has none of its own). One frontier walk serves the whole chunk, so an ancestor many candidates
    /// share is read once; the roots of each candidate are then gathered from the walked edges here. The walk has no
    /// node limit: a check that admits or refuses a document cannot answer from part of its ancestry.
    /// </summary>
    public static async Task<Dictionary<long, long[]>> HumanRootsAsync(NpgsqlConnection conn, long[] ids, CancellationToken ct)
    {
        if (ids.Length == 0)
        {
            return [];
        }
        var human = new HashSet<long>();
        var onward = new List<long>();
        var frontier = new Frontier(conn, FrontierStep.Parents);
        await frontier.WalkAsync(ids, int.MaxValue, int.MaxValue, async (level, token) =>
        {
            var next = new List<long>(level.Length);
            // A probe per id, as the lineage walks read their levels: on hash-partitioned tables id = ANY(@ids) sent the
            // whole array to every partition.
            await using var cmd = new NpgsqlCommand(
                $"SELECT d.id, d.class = 'human' FROM {Frontier.Probes("ids")} i(id) {KeyProbe.Join("id, class", "documents", "id", "i.id", "d")}", conn);
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", level));
            await using var reader = await cmd.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token))
            {
                var id = reader.GetInt64(0);
                if (reader.GetBoolean(1))
                {
                    human.Add(id);
                }
                else
                {
                    next.Add(id);
                }
            }
            onward.AddRange(next);
            return next;
        }, ct);
        var parents = new Dictionary<long, List<long>>();
        await using (var cmd = new NpgsqlCommand($"""
            SELECT e.child_id, e.parent_id
              FROM {Frontier.Probes("ids")} i(id)
             CROSS JOIN LATERAL (SELECT child_id, parent_id FROM lineage_edges WHERE child_id = i.id) e
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. onward]));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var child = reader.GetInt64(0);
                if (!parents.TryGetValue(child, out var list))
                {
                    parents[child] = list = [];
                }
                list.Add(reader.GetInt64(1));
            }
        }
        var memo = new Dictionary<long, HashSet<long>>();
        return ids.Distinct().Where(id => !human.Contains(id))
            .Select(id => (id, Roots: RootsOf(id, human, parents, memo)))
            .Where(r => r.Roots.Count > 0)
            .ToDictionary(r => r.id, r => r.Roots.ToArray());
    }

    /// <summary>
    /// The human documents reached from <paramref name="start"/> through documents that are not human, each node's set
    /// computed once (the walked graph is a DAG) and without recursion, however deep the lineage.
    /// </summary>
    static HashSet<long> RootsOf(long start, HashSet<long> human, Dictionary<long, List<long>> parents, Dictionary<long, HashSet<long>> memo)
    {
        var stack = new Stack<long>([start]);
        while (stack.Count > 0)
        {
            var id = stack.Peek();
            if (memo.ContainsKey(id))
            {
                stack.Pop();
                continue;
            }
            var ps = parents.GetValueOrDefault(id) ?? [];
            var pending = ps.Where(p => !human.Contains(p) && !memo.ContainsKey(p)).ToList();
            if (pending.Count > 0)
            {
                pending.ForEach(stack.Push);
                continue;
            }
            var roots = new HashSet<long>();
            foreach (var p in ps)
            {
                if (human.Contains(p))
                {
                    roots.Add(p);
                }
                else
                {
                    roots.UnionWith(memo[p]);
                }
            }
            memo[id] = roots;
            stack.Pop();
        }
        return memo[start];
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
