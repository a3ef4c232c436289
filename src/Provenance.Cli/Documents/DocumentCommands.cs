using System.CommandLine;
using Provenance.Cli.Hosting;
using Provenance.Client;
using Provenance.Contracts.Documents;
using Provenance.Text;
using Spectre.Console;

namespace Provenance.Cli.Documents;

internal sealed class DocumentCommands(CliContext cli)
{
    public Command Register()
    {
        var file = new Argument<string>("file") { Description = "A UTF-8 text file to register, or - for standard input." };
        var sourceUri = new Option<string?>("--source-uri") { Description = "Where the text was found." };
        var cls = new Option<string?>("--class") { Description = "Declared class: human, synthetic, mixed or unknown." };
        var generator = new Option<string?>("--generator") { Description = "The model that wrote it, as name@version." };
        var sourceType = new Option<string?>("--digital-source-type") { Description = "IPTC digital source type, such as trainedAlgorithmicMedia." };
        var parents = new Option<string[]>("--parent")
        {
            Description = "A parent as REF:RELATION, where REF is an id or content hash (repeatable), e.g. 17:paraphrase_of.",
            AllowMultipleArgumentsPerToken = false,
        };
        var language = new Option<string?>("--language") { Description = "BCP 47 language tag, such as en." };
        var licence = new Option<string?>("--licence") { Description = "SPDX licence identifier, such as CC-BY-4.0." };
        var command = new Command("register", "Register a text file as a document (idempotent: the same text gets the same id).")
        {
            file, sourceUri, cls, generator, sourceType, parents, language, licence,
        };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var text = await ReadTextAsync(parse.GetValue(file)!, token);
            var declared = parse.GetValue(cls) is null && parse.GetValue(generator) is null && parse.GetValue(sourceType) is null
                ? null
                : new DeclaredProvenanceRequest(parse.GetValue(cls), parse.GetValue(generator), parse.GetValue(sourceType));
            var request = new RegisterDocumentRequest(text, parse.GetValue(sourceUri), null, parse.GetValue(language), parse.GetValue(licence),
                declared, [.. (parse.GetValue(parents) ?? []).Select(ParseParent)]);
            var result = await client.RegisterAsync(request, token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(result);
                return 0;
            }
            var pending = result.PendingParents > 0 ? $"  ({result.PendingParents} parent(s) pending until registered)" : "";
            cli.Out.MarkupLineInterpolated(
                $"[bold]{result.Status}[/] document [bold]{result.Id}[/] {result.ContentHash}  class [bold]{result.Class}[/]  depth {Depth(result.Depth)}{pending}");
            return 0;
        }, ct));
        return command;
    }

    public Command Show()
    {
        var docRef = new Argument<string>("ref") { Description = "A document id or content hash." };
        var text = new Option<bool>("--text") { Description = "Print the document's text too." };
        var command = new Command("show", "Show a document: metadata, class, depth, parents and assertion history.") { docRef, text };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var doc = await client.GetDocumentAsync(parse.GetValue(docRef)!, parse.GetValue(text), token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(doc);
                return 0;
            }
            Print(doc);
            return 0;
        }, ct));
        return command;
    }

    public Command Find()
    {
        var query = new Argument<string>("query")
        {
            Description = "A document id, a content hash (with or without sha256:), a source URL, or words of the text (\"quoted\" for a phrase).",
        };
        var limit = new Option<int?>("--limit") { Description = "Documents per page, 1 to 100 (default 20)." };
        var cursor = new Option<string?>("--cursor") { Description = "The next page: the cursor the previous page printed." };
        var command = new Command("find", "Find documents by id, content hash, source URL or a phrase of the text, newest first.") { query, limit, cursor };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var page = await client.SearchDocumentsAsync(parse.GetValue(query)!, parse.GetValue(limit), parse.GetValue(cursor), token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(page);
                return 0;
            }
            var table = new Table().AddColumns("id", "content hash", "class", "source", "snippet");
            foreach (var hit in page.Items)
            {
                table.AddRow(hit.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{hit.ContentHash[..16]}…", hit.Class,
                    Terminal.Escape(hit.SourceUri ?? "-"), Terminal.Escape(hit.Snippet));
            }
            cli.Out.MarkupLineInterpolated($"{page.Items.Count} document(s) found by {page.Kind}");
            if (page.Items.Count > 0)
            {
                cli.Out.Write(table);
            }
            if (page.Next is not null)
            {
                cli.Out.MarkupLineInterpolated($"more: the same query with --cursor {page.Next}");
            }
            return 0;
        }, ct));
        return command;
    }

    void Print(DocumentResponse doc)
    {
        var o = cli.Out;
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]document[/]", $"{doc.Id}  sha256:{doc.ContentHash}");
        grid.AddRow("[bold]class[/]", $"{doc.Class}{(doc.Generator is null ? "" : $" ({Terminal.Escape(doc.Generator)})")}");
        grid.AddRow("[bold]depth[/]", Depth(doc.Depth));
        grid.AddRow("[bold]size[/]", $"{doc.CharCount:N0} characters, {doc.TokenCount:N0} tokens");
        grid.AddRow("[bold]language / licence[/]", Terminal.Escape($"{doc.Language ?? "-"} / {doc.Licence ?? "-"}"));
        grid.AddRow("[bold]seen[/]", $"{doc.FirstSeen:u} .. {doc.LastSeen:u}, {doc.SightingCount} sighting(s)");
        o.Write(grid);
        if (doc.Parents.Count + doc.PendingParents.Count > 0)
        {
            var parents = new Table().AddColumns("parent", "relation", "generator");
            foreach (var p in doc.Parents)
            {
                parents.AddRow(p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Relation, Terminal.Escape(p.Generator ?? "-"));
            }
            foreach (var p in doc.PendingParents)
            {
                parents.AddRow($"pending sha256:{p.ContentHash[..16]}…", p.Relation, Terminal.Escape(p.Generator ?? "-"));
            }
            o.Write(parents);
        }
        var history = new Table().Title("assertion history").AddColumns("", "when", "kind", "by", "class", "confidence", "generator");
        foreach (var a in doc.Assertions)
        {
            history.AddRow(a.Effective ? "[green]*[/]" : "", $"{a.AssertedAt:u}", a.Kind, Terminal.Escape(a.AssertedBy), a.Class,
                a.Confidence?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) ?? "-", Terminal.Escape(a.Generator ?? "-"));
        }
        o.Write(history);
        if (doc.Text is not null)
        {
            o.WriteLine();
            o.WriteLine(Terminal.Text(doc.Text));
        }
    }

    internal static string Depth(int? depth) => depth?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";

    internal static ParentReferenceRequest ParseParent(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            throw new UserError($"--parent '{value}' is not REF:RELATION (for example 17:paraphrase_of or <sha256>:generated_from).");
        }
        var docRef = value[..colon];
        var relation = value[(colon + 1)..];
        return long.TryParse(docRef, out var id)
            ? new ParentReferenceRequest(Id: id, Relation: relation)
            : new ParentReferenceRequest(ContentHash: docRef, Relation: relation);
    }

    static async Task<string> ReadTextAsync(string path, CancellationToken ct)
    {
        byte[] bytes;
        if (path == "-")
        {
            using var buffer = new MemoryStream();
            await Console.OpenStandardInput().CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        else if (!File.Exists(path))
        {
            throw new UserError($"no such file: {path}");
        }
        else
        {
            bytes = await File.ReadAllBytesAsync(path, ct);
        }
        return TextNormalizer.TryDecodeUtf8(bytes, out var text, out var error)
            ? text
            : throw new UserError($"{path}: {error} Convert it to UTF-8 first.");
    }
}
