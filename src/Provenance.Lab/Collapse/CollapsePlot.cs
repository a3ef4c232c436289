using ScottPlot;

namespace Provenance.Lab.Collapse;

/// <summary>collapse.png: the test set's cross-entropy against the generation, one line per policy.</summary>
public static class CollapsePlot
{
    public static void Save(CollapseResult result, string path, int width = 900, int height = 560)
    {
        var plot = new Plot();
        foreach (var policy in result.Generations.GroupBy(g => g.Policy))
        {
            var rows = policy.OrderBy(r => r.Generation).ToArray();
            var line = plot.Add.Scatter(rows.Select(r => (double)r.Generation).ToArray(), rows.Select(r => r.CrossEntropy).ToArray());
            line.LegendText = policy.Key;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        var s = result.Settings;
        plot.Title($"Recursive training through the registry: {s.Order}-gram Kneser–Ney, {result.PoolDocuments:N0} human documents");
        plot.XLabel("generation");
        plot.YLabel($"cross-entropy of {result.TestDocuments:N0} held-out human documents (bits/token)");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }
}
