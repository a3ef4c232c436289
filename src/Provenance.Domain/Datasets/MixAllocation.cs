using Provenance.Domain.Assertions;

namespace Provenance.Domain.Datasets;

/// <summary>
/// Shares out the room for model-written documents over (class, generator) so that as much as possible fits under
/// the non-human room, the synthetic cap and every generator's cap at once. It is a maximum flow on a small graph:
/// source → non-human room → {synthetic cap, mixed} → (class, generator) availability → generator cap → sink.
/// </summary>
public static class MixAllocation
{
    public static IReadOnlyDictionary<(ProvenanceClass Class, int Generator), long> Solve(
        long nonHumanRoom,
        long syntheticRoom,
        IReadOnlyDictionary<(ProvenanceClass Class, int Generator), long> available,
        IReadOnlyDictionary<int, long> generatorRoom)
    {
        var generators = generatorRoom.Keys.Order().ToArray();
        const int source = 0, hub = 1, synthetic = 2, mixed = 3;
        var sink = 4 + generators.Length;
        var graph = new Graph(sink + 1);
        graph.Add(source, hub, nonHumanRoom);
        graph.Add(hub, synthetic, syntheticRoom);
        graph.Add(hub, mixed, long.MaxValue / 4);
        var edges = new Dictionary<(ProvenanceClass, int), int>();
        for (var i = 0; i < generators.Length; i++)
        {
            foreach (var (cls, from) in new[] { (ProvenanceClass.Synthetic, synthetic), (ProvenanceClass.Mixed, mixed) })
            {
                if (available.GetValueOrDefault((cls, generators[i])) is > 0 and var capacity)
                {
                    edges[(cls, generators[i])] = graph.Add(from, 4 + i, capacity);
                }
            }
            graph.Add(4 + i, sink, generatorRoom[generators[i]]);
        }
        graph.MaxFlow(source, sink);
        return edges.ToDictionary(e => e.Key, e => graph.Flow(e.Value));
    }

    /// <summary>Edmonds–Karp: breadth-first augmenting paths, in node order, so the result is deterministic.</summary>
    sealed class Graph(int nodes)
    {
        readonly List<int>[] _out = [.. Enumerable.Range(0, nodes).Select(_ => new List<int>())];
        readonly List<(int To, long Capacity, long Flow)> _edges = [];

        public int Add(int from, int to, long capacity)
        {
            _out[from].Add(_edges.Count);
            _edges.Add((to, capacity, 0));
            _out[to].Add(_edges.Count);
            _edges.Add((from, 0, 0));
            return _edges.Count - 2;
        }

        public long Flow(int edge) => _edges[edge].Flow;

        public void MaxFlow(int source, int sink)
        {
            while (true)
            {
                var via = new int[_out.Length];
                Array.Fill(via, -1);
                var queue = new Queue<int>([source]);
                while (queue.Count > 0 && via[sink] < 0)
                {
                    var node = queue.Dequeue();
                    foreach (var e in _out[node])
                    {
                        var (to, capacity, flow) = _edges[e];
                        if (to != source && via[to] < 0 && capacity - flow > 0)
                        {
                            via[to] = e;
                            queue.Enqueue(to);
                        }
                    }
                }
                if (via[sink] < 0)
                {
                    return;
                }
                var push = long.MaxValue;
                for (var n = sink; n != source; n = _edges[via[n] ^ 1].To)
                {
                    var (_, capacity, flow) = _edges[via[n]];
                    push = Math.Min(push, capacity - flow);
                }
                for (var n = sink; n != source; n = _edges[via[n] ^ 1].To)
                {
                    var e = via[n];
                    _edges[e] = _edges[e] with { Flow = _edges[e].Flow + push };
                    _edges[e ^ 1] = _edges[e ^ 1] with { Flow = _edges[e ^ 1].Flow - push };
                }
            }
        }
    }
}
