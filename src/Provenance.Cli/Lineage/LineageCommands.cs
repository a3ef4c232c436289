using System.CommandLine;
using Provenance.Cli.Documents;
using Provenance.Cli.Hosting;
using Provenance.Contracts.Lineage;
using Spectre.Console;

namespace Provenance.Cli.Lineage;

internal sealed class LineageCommands(CliContext cli)
{
    public Command Lineage()
    {
        var docRef = new Argument<string>("ref") { Description = "A document id or content hash." };
        var descendants = new Option<bool>("--descendants") { Description = "Show what was derived from the document instead of what it came from." };
        var maxDepth = new Option<int?>("--max-depth") { Description = "Generations to walk (default 32)." };
        var relations = new Option<string[]>("--relation") { Description = "Only follow this relation (repeatable)." };
        var command = new Command("lineage", "Print a document's ancestors (or descendants) as a tree.") { docRef, descendants, maxDepth, relations };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var down = parse.GetValue(descendants);
            var graph = down
                ? await client.DescendantsAsync(parse.GetValue(docRef)!, parse.GetValue(maxDepth), parse.GetValue(relations), token)
                : await client.AncestorsAsync(parse.GetValue(docRef)!, parse.GetValue(maxDepth), parse.GetValue(relations), token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(graph);
                return 0;
            }
            cli.Out.Write(ToTree(graph, down));
            if (graph.Truncated)
            {
                cli.Out.MarkupLine("[yellow]…the walk was cut at --max-depth; raise it to see more.[/]");
            }
            return 0;
        }, ct));
        return command;
    }

    public Command Roots()
    {
        var docRef = new Argument<string>("ref") { Description = "A document id or content hash." };
        var command = new Command("roots", "List the human documents a document's lineage leads back to.") { docRef };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var roots = await client.RootsAsync(parse.GetValue(docRef)!, token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(roots);
                return 0;
            }
            var table = new Table().AddColumns("", "document", "class", "generations up", "content hash");
            foreach (var n in roots.Roots)
            {
                table.AddRow("[green]human root[/]", Id(n), n.Class, (-n.Level).ToString(System.Globalization.CultureInfo.InvariantCulture), n.ContentHash);
            }
            foreach (var n in roots.Unanchored)
            {
                table.AddRow("[yellow]unanchored[/]", Id(n), n.Class, (-n.Level).ToString(System.Globalization.CultureInfo.InvariantCulture), n.ContentHash);
            }
            foreach (var p in roots.Pending)
            {
                table.AddRow("[grey]pending[/]", $"parent of {p.Child}", p.Relation, "", p.ParentContentHash);
            }
            cli.Out.Write(table);
            if (roots.Truncated)
            {
                cli.Out.MarkupLine("[yellow]…the walk stopped at the registry's node limit; the nearest ancestors are listed, farther paths are not.[/]");
            }
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// The graph as a tree rooted at the focus. A DAG can reach a node along several paths; the node is drawn in
    /// full once and referred to afterwards, so the tree stays as large as the graph.
    /// </summary>
    internal static Tree ToTree(LineageGraphResponse graph, bool down)
    {
        var nodes = graph.Nodes.ToDictionary(n => n.Id);
        var next = graph.Edges.ToLookup(e => down ? e.Parent : e.Child);
        var drawn = new HashSet<long>();
        var tree = new Tree(Label(nodes[graph.Focus], null));
        drawn.Add(graph.Focus);
        void Grow(IHasTreeNodes at, long id)
        {
            foreach (var e in next[id].OrderBy(e => down ? e.Child : e.Parent))
            {
                var other = down ? e.Child : e.Parent;
                if (!nodes.TryGetValue(other, out var node))
                {
                    continue;
                }
                if (!drawn.Add(other))
                {
                    at.AddNode($"[dim]{e.Relation}:[/] [grey]{other} (shown above)[/]");
                    continue;
                }
                Grow(at.AddNode(Label(node, e)), other);
            }
        }
        Grow(tree, graph.Focus);
        return tree;
    }

    /// <summary><c>paraphrase_of: 2 synthetic gpt-4o@2024-08-06, depth 1</c>: how the node relates to the line above.</summary>
    static string Label(LineageNodeResponse n, LineageEdgeResponse? via)
    {
        var color = n.Class switch { "human" => "green", "synthetic" => "red", "mixed" => "yellow", _ => "grey" };
        var generator = n.Generator is null ? "" : $" {Terminal.Escape(n.Generator)}";
        var relation = via is null ? "" : $"[dim]{via.Relation}:[/] ";
        return $"{relation}[bold]{n.Id}[/] [{color}]{n.Class}[/]{generator}, depth {DocumentCommands.Depth(n.Depth)}";
    }

    static string Id(LineageNodeResponse n) => n.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
