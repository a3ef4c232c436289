using System.CommandLine;
using Provenance.Cli.Access;
using Provenance.Cli.Assertions;
using Provenance.Cli.Datasets;
using Provenance.Cli.Detection;
using Provenance.Cli.Documents;
using Provenance.Cli.Ingestion;
using Provenance.Cli.Lab;
using Provenance.Cli.Lineage;
using Provenance.Cli.Prov;
using Provenance.Cli.Stats;
using Provenance.Cli.Webhooks;

namespace Provenance.Cli.Hosting;

internal static class CliApp
{
    /// <summary>
    /// The command tree, every command holding <paramref name="cli"/>; <c>Program</c> runs it on the process's consoles,
    /// tests parse and invoke it in-process with consoles and a client of their own.
    /// </summary>
    public static RootCommand Build(CliContext cli)
    {
        var documents = new DocumentCommands(cli);
        var lineage = new LineageCommands(cli);
        var datasets = new DatasetCommands(cli);
        var root = new RootCommand("provenance: register documents in the Provenance registry and inspect their lineage.")
        {
            documents.Register(),
            documents.Show(),
            documents.Find(),
            lineage.Lineage(),
            lineage.Roots(),
            new ProvCommand(cli).Create(),
            new AssertCommand(cli).Create(),
            new StatsCommand(cli).Create(),
            datasets.Assemble(),
            datasets.Export(),
            datasets.Datasets(),
            new KeyCommands(cli).Create(),
            new WebhookCommands(cli).Create(),
            new IngestCommand(cli).Create(),
            new DetectorCommands(cli).Create(),
            new LabCommands(cli).Create(),
        };
        root.Options.Add(cli.Url);
        root.Options.Add(cli.ApiKey);
        root.Options.Add(cli.Json);
        return root;
    }
}
