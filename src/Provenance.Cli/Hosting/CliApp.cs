using System.CommandLine;
using Provenance.Cli.Access;
using Provenance.Cli.Assertions;
using Provenance.Cli.Datasets;
using Provenance.Cli.Detection;
using Provenance.Cli.Documents;
using Provenance.Cli.Ingestion;
using Provenance.Cli.Lineage;
using Provenance.Cli.Stats;

namespace Provenance.Cli.Hosting;

internal static class CliApp
{
    /// <summary>The command tree; <c>Program</c> runs it, tests parse and invoke it in-process.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("provenance: register documents in the Provenance registry and inspect their lineage.")
        {
            DocumentCommands.Register(),
            DocumentCommands.Show(),
            LineageCommands.Lineage(),
            LineageCommands.Roots(),
            AssertCommand.Create(),
            StatsCommand.Create(),
            DatasetCommands.Assemble(),
            DatasetCommands.Export(),
            DatasetCommands.Datasets(),
            KeyCommands.Create(),
            IngestCommand.Create(),
            DetectorCommands.Create(),
        };
        root.Options.Add(CliContext.Url);
        root.Options.Add(CliContext.ApiKey);
        root.Options.Add(CliContext.Json);
        return root;
    }
}
