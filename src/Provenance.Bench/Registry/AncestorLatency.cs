using System.Diagnostics;
using System.Globalization;
using Provenance.Data.Lineage;

namespace Provenance.Bench.Registry;

/// <summary>Timed ancestor walks, and what the walks were: their size on average and in the slowest hundredth.</summary>
/// <param name="Milliseconds">Each walk's time, in the sample's order.</param>
/// <param name="AverageNodes">Nodes a walk returned, the focus included, on average.</param>
/// <param name="Tail">The slowest 1% of the walks: their average nodes and generations, to tell a tail of big walks
/// from one of slow small ones.</param>
public sealed record AncestorWalks(List<double> Milliseconds, double AverageNodes, string Tail)
{
    /// <summary>The note a latency line carries: the average size, then the tail's.</summary>
    public string Note => string.Create(CultureInfo.InvariantCulture, $"avg {AverageNodes:N1} nodes; slowest 1%: {Tail}");
}

/// <summary>In-process ancestor walks through <see cref="LineageQueries"/>, timed one by one.</summary>
public static class AncestorLatency
{
    /// <summary>Walks the ancestors of each of <paramref name="sample"/>, after 50 untimed walks that warm the cache like a live registry.</summary>
    public static async Task<AncestorWalks> MeasureAsync(LineageQueries lineage, IReadOnlyList<long> sample, int maxDepth, CancellationToken ct)
    {
        foreach (var id in sample.Take(50))
        {
            await lineage.WalkAsync(id, LineageDirection.Ancestors, maxDepth, null, ct);
        }
        var walks = new List<(double Ms, int Nodes, int Generations)>(sample.Count);
        foreach (var id in sample)
        {
            var sw = Stopwatch.StartNew();
            var graph = await lineage.WalkAsync(id, LineageDirection.Ancestors, maxDepth, null, ct);
            walks.Add((sw.Elapsed.TotalMilliseconds, graph.Nodes.Count, graph.Nodes.Count == 0 ? 0 : -graph.Nodes.Min(n => n.Level)));
        }
        var slowest = walks.OrderByDescending(w => w.Ms).Take(Math.Max(1, walks.Count / 100)).ToList();
        var tail = string.Create(CultureInfo.InvariantCulture,
            $"avg {slowest.Average(w => w.Nodes):N1} nodes over {slowest.Average(w => w.Generations):N1} generations");
        return new AncestorWalks([.. walks.Select(w => w.Ms)], walks.Count == 0 ? 0 : walks.Average(w => w.Nodes), tail);
    }
}
