using System.Diagnostics;
using Provenance.Data.Lineage;

namespace Provenance.Bench.Registry;

/// <summary>In-process ancestor walks through <see cref="LineageQueries"/>, timed one by one.</summary>
public static class AncestorLatency
{
    /// <summary>Walks the ancestors of each of <paramref name="sample"/>, after 50 untimed walks that warm the cache like a live registry.</summary>
    public static async Task<(List<double> Milliseconds, double AverageNodes)> MeasureAsync(
        LineageQueries lineage, IReadOnlyList<long> sample, int maxDepth, CancellationToken ct)
    {
        foreach (var id in sample.Take(50))
        {
            await lineage.WalkAsync(id, LineageDirection.Ancestors, maxDepth, null, ct);
        }
        var nodes = 0L;
        var latencies = new List<double>(sample.Count);
        foreach (var id in sample)
        {
            var sw = Stopwatch.StartNew();
            var graph = await lineage.WalkAsync(id, LineageDirection.Ancestors, maxDepth, null, ct);
            latencies.Add(sw.Elapsed.TotalMilliseconds);
            nodes += graph.Nodes.Count;
        }
        return (latencies, nodes / (double)sample.Count);
    }
}
