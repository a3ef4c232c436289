using System.CommandLine;
using Provenance.Cli.Hosting;
using Spectre.Console;

namespace Provenance.Cli.Stats;

internal sealed class StatsCommand(CliContext cli)
{
    public Command Create()
    {
        var command = new Command("stats", "Registry-wide counts by class, generator and depth.");
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var stats = await client.StatsAsync(token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(stats);
                return 0;
            }
            var o = cli.Out;
            o.MarkupLineInterpolated($"[bold]{stats.Documents:N0}[/] documents, {stats.Sightings:N0} sightings, {stats.Edges:N0} lineage edges ({stats.PendingEdges:N0} pending), {stats.Assertions:N0} assertions");
            var byClass = new BarChart().Label("by class").Width(60);
            foreach (var (cls, count) in stats.ByClass)
            {
                byClass.AddItem(cls, count);
            }
            o.Write(byClass);
            var byDepth = new Table().AddColumns("depth", "documents");
            foreach (var d in stats.ByDepth)
            {
                byDepth.AddRow(d.Depth?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown", d.Documents.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            }
            var byGenerator = new Table().AddColumns("generator", "documents");
            foreach (var g in stats.ByGenerator.Take(20))
            {
                byGenerator.AddRow(Terminal.Escape(g.Generator), g.Documents.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            }
            o.Write(new Columns(byDepth, byGenerator));
            return 0;
        }, ct));
        return command;
    }
}
