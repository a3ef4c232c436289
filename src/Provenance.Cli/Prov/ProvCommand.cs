using System.CommandLine;
using Provenance.Cli.Hosting;

namespace Provenance.Cli.Prov;

internal sealed class ProvCommand(CliContext cli)
{
    public Command Create()
    {
        var target = new Argument<string>("ref") { Description = "A document id or content hash; with --dataset, a dataset version (id, name@N, or a name for its latest)." };
        var dataset = new Option<bool>("--dataset") { Description = "Describe a dataset version instead of a document's lineage." };
        var maxDepth = new Option<int?>("--max-depth") { Description = "Generations of ancestors to walk (default 32)." };
        var relations = new Option<string[]>("--relation") { Description = "Only follow this relation (repeatable)." };
        var command = new Command("prov", "Print a document's lineage, or a dataset version's, as W3C PROV-JSON.") { target, dataset, maxDepth, relations };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            if (parse.GetValue(dataset) && (parse.GetValue(maxDepth) is not null || parse.GetValue(relations) is { Length: > 0 }))
            {
                throw new UserError("--max-depth and --relation walk a document's lineage; a dataset version has none to walk.");
            }
            var prov = parse.GetValue(dataset)
                ? await client.DatasetProvAsync(parse.GetValue(target)!, token)
                : await client.ProvAsync(parse.GetValue(target)!, parse.GetValue(maxDepth), parse.GetValue(relations), token);
            cli.PrintJson(prov);
            return 0;
        }, ct));
        return command;
    }
}
