using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Provenance.Cli.Hosting;
using Provenance.Client;
using Provenance.Client.Datasets;
using Provenance.Contracts.Datasets;
using Spectre.Console;

namespace Provenance.Cli.Datasets;

internal sealed class DatasetCommands(CliContext cli)
{
    // A misspelt field in a spec file would otherwise be ignored and its default used without a word.
    static readonly JsonSerializerOptions SpecJson = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public Command Assemble()
    {
        var file = new Argument<string>("spec") { Description = "A mix spec as JSON (the body of POST /v1/datasets), or - for standard input." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what the version would be without storing it." };
        var command = new Command("assemble", "Assemble an immutable dataset version from a mix spec (trainer role).") { file, dryRun };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var spec = await ReadSpecAsync(parse.GetValue(file)!, token);
            var o = cli.Out;
            if (parse.GetValue(dryRun))
            {
                var preview = await WithStatusAsync("assembling (dry run)…", () => client.PreviewDatasetAsync(spec, token));
                if (parse.GetValue(cli.Json))
                {
                    cli.PrintJson(preview);
                    return 0;
                }
                o.MarkupLineInterpolated($"[bold]dry run[/]: {preview.Documents:N0} documents, {preview.Tokens:N0} tokens, manifest {preview.ManifestHash} (nothing stored)");
                PrintManifest(preview.Manifest);
                return 0;
            }
            var version = await WithStatusAsync("assembling…", () => client.AssembleDatasetAsync(spec, token));
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(version);
                return 0;
            }
            o.MarkupLineInterpolated($"[bold]{version.Status}[/] [bold]{Terminal.Line(version.Ref)}[/] (id {version.Id}){(version.Base is null ? "" : $" on {Terminal.Line(version.Base)}")}: {version.Documents:N0} documents, {version.Tokens:N0} tokens");
            o.MarkupLineInterpolated($"manifest {version.ManifestHash}");
            PrintManifest(version.Manifest);
            return 0;
        }, ct));
        return command;
    }

    public Command Export()
    {
        var versionRef = new Argument<string>("version") { Description = "The version: an id, name@N, or a dataset name for its latest version." };
        var format = new Option<string>("--format") { Description = "parquet or jsonl.", DefaultValueFactory = _ => "parquet" };
        format.AcceptOnlyFromAmong("parquet", "jsonl");
        var output = new Option<string>("--out") { Description = "An empty or new folder to write the Hugging Face layout into.", Required = true };
        var shard = new Option<int>("--shard-size") { Description = "Documents per shard file.", DefaultValueFactory = _ => DatasetExporter.DefaultShardDocuments };
        var command = new Command("export",
            "Export a dataset version as JSONL or Parquet shards in the Hugging Face datasets layout, with manifest.json, a dataset card and croissant.json.")
        {
            versionRef, format, output, shard,
        };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            if (parse.GetValue(shard) < 1)
            {
                throw new UserError("--shard-size must be at least 1.");
            }
            var dir = parse.GetValue(output)!;
            if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            {
                throw new UserError($"{dir} is not empty; export into a new or empty folder.");
            }
            var kind = parse.GetValue(format) == "jsonl" ? ExportFormat.Jsonl : ExportFormat.Parquet;
            var version = await client.GetDatasetAsync(parse.GetValue(versionRef)!, token);
            var exporter = new DatasetExporter(client);
            ExportResult? result = null;
            await cli.Err.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var title = $"exporting {Terminal.Escape(version.Ref)}";
                    var task = progress.AddTask(title, maxValue: Math.Max(1, version.Documents));
                    var retries = 0;
                    result = await exporter.ExportAsync(version.Id.ToString(CultureInfo.InvariantCulture), kind, dir, parse.GetValue(shard),
                        new SynchronousProgress<long>(n => task.Value = n),
                        new SynchronousProgress<StreamInterruption>(i =>
                        {
                            retries++;
                            task.Description = $"{title} [yellow](stream failed at document {i.NextOffset:N0}: {Terminal.Escape(i.Reason)}; "
                                + $"retry {i.Retry} of {i.Retries} in {i.Delay.TotalSeconds:N0} s; {retries} in all)[/]";
                        }), token);
                    task.Value = task.MaxValue;
                });
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(result);
                return 0;
            }
            var r = result!;
            var seconds = Math.Max(r.Elapsed.TotalSeconds, 1e-3);
            cli.Out.MarkupLineInterpolated(
                $"exported [bold]{version.Ref}[/]: {r.Documents:N0} documents in {r.Files.Count} {kind.ToString().ToLowerInvariant()} file(s) to {Path.GetFullPath(dir)}");
            cli.Out.MarkupLineInterpolated(
                $"{r.TextBytes / 1e6:N1} MB of text, {r.FileBytes / 1e6:N1} MB written, {r.Elapsed.TotalSeconds:N1} s ({r.TextBytes / 1e6 / seconds:N1} MB/s); manifest.json verified against {r.ManifestHash}");
            if (r.Retries > 0)
            {
                cli.Err.MarkupLineInterpolated($"[yellow]the document stream failed {r.Retries} time(s) and was resumed each time from the next document[/]");
            }
            return 0;
        }, ct));
        return command;
    }

    public Command Datasets()
    {
        var list = new Command("list", "Every dataset and its versions.");
        list.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var datasets = await client.ListDatasetsAsync(token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(datasets);
                return 0;
            }
            var table = new Table().AddColumns("version", "id", "base", "documents", "tokens", "human share", "manifest", "created", "by");
            foreach (var v in datasets.SelectMany(d => d.Versions))
            {
                AddRow(table, v);
            }
            cli.Out.Write(table);
            return 0;
        }, ct));

        var showRef = new Argument<string>("version") { Description = "An id, name@N, or a dataset name for its latest version." };
        var show = new Command("show", "A version's manifest: spec, statistics and collapse-risk report.") { showRef };
        show.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var version = await client.GetDatasetAsync(parse.GetValue(showRef)!, token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(version);
                return 0;
            }
            cli.Out.MarkupLineInterpolated($"[bold]{Terminal.Line(version.Ref)}[/] (id {version.Id}){(version.Base is null ? "" : $" on {Terminal.Line(version.Base)}")}: {version.Documents:N0} documents, {version.Tokens:N0} tokens, by {Terminal.Line(version.RequestedBy)} at {version.CreatedAt:u}");
            cli.Out.MarkupLineInterpolated($"manifest {version.ManifestHash}");
            PrintManifest(version.Manifest);
            return 0;
        }, ct));

        var chainRef = new Argument<string>("version") { Description = "An id, name@N, or a dataset name for its latest version." };
        var chain = new Command("chain", "The version and the versions it accumulates on, oldest first.") { chainRef };
        chain.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var versions = await client.DatasetChainAsync(parse.GetValue(chainRef)!, token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(versions);
                return 0;
            }
            var table = new Table().AddColumns("version", "id", "base", "documents", "tokens", "human share", "manifest", "created", "by");
            foreach (var v in versions)
            {
                AddRow(table, v);
            }
            cli.Out.Write(table);
            return 0;
        }, ct));

        return new Command("datasets", "List dataset versions, show a manifest, or follow a version's chain of bases.") { list, show, chain };
    }

    static void AddRow(Table table, DatasetVersionSummary v) => table.AddRow(
        Terminal.Escape(v.Ref), v.Id.ToString(CultureInfo.InvariantCulture), Terminal.Escape(v.Base ?? "-"), N(v.Documents), N(v.Tokens), P(v.HumanShare),
        v.ManifestHash[..19] + "…", v.CreatedAt.ToString("u", CultureInfo.InvariantCulture), Terminal.Escape(v.RequestedBy));

    void PrintManifest(DatasetManifest m)
    {
        var o = cli.Out;
        var s = m.Stats;
        var r = m.CollapseRisk;
        var classes = new Table().Title($"composition ({s.Unit})").AddColumns("counted as", "documents", "tokens");
        foreach (var c in s.ByClass)
        {
            classes.AddRow(c.Class, N(c.Documents), N(c.Tokens));
        }
        var generators = new Table().Title("generators").AddColumns("generator", "documents", "tokens");
        foreach (var g in s.ByGenerator.Take(10))
        {
            generators.AddRow(Terminal.Escape(g.Generator ?? "(not named)"), N(g.Documents), N(g.Tokens));
        }
        var depths = new Table().Title("depth").AddColumns("depth", "documents");
        foreach (var d in s.ByDepth)
        {
            depths.AddRow(d.Depth?.ToString(CultureInfo.InvariantCulture) ?? "unknown", N(d.Documents));
        }
        o.Write(new Columns(classes, generators, depths));

        var risk = new Grid().AddColumn().AddColumn();
        risk.AddRow("[bold]human share[/]", $"{P(r.HumanShare)} (floor {P(m.Spec.MinHumanShare ?? 0)})");
        risk.AddRow("[bold]synthetic / mixed / unknown[/]", $"{P(r.SyntheticShare)} (cap {P(m.Spec.MaxSyntheticShare ?? 1)}) / {P(r.MixedShare)} / {P(r.UnknownShare)}");
        risk.AddRow("[bold]model-written depth[/]", $"mean {(r.SyntheticDepth.Mean is { } mean ? mean.ToString("0.##", CultureInfo.InvariantCulture) : "-")}, max {r.SyntheticDepth.Max?.ToString(CultureInfo.InvariantCulture) ?? "-"}, depth >= 2 or unknown {P(r.SyntheticDepth.RecursiveShare)}");
        risk.AddRow("[bold]generators[/]", Terminal.Escape($"{r.GeneratorConcentration.Generators}, largest {r.GeneratorConcentration.TopGenerator ?? "-"} {P(r.GeneratorConcentration.TopShare)}, HHI {r.GeneratorConcentration.Hhi.ToString("0.###", CultureInfo.InvariantCulture)}"));
        risk.AddRow("[bold]source domains[/]", $"{N(r.SourceCoverage.MixDomains)} of {N(r.SourceCoverage.RegistryDomains)} ({P(r.SourceCoverage.Coverage)}), total variation {r.SourceCoverage.TotalVariation.ToString("0.###", CultureInfo.InvariantCulture)}");
        risk.AddRow("[bold]accumulation[/]", $"{N(r.Accumulation.BaseDocuments)} from the base{(m.Base is { } b ? Terminal.Escape($" {b.Dataset}@{b.Version}") : "")} + {N(r.Accumulation.AddedDocuments)} added");
        o.Write(new Panel(risk).Header("collapse risk"));
        foreach (var w in r.Warnings)
        {
            o.MarkupLineInterpolated($"[yellow]warning:[/] {Terminal.Line(w)}");
        }
    }

    static async Task<DatasetSpec> ReadSpecAsync(string path, CancellationToken ct)
    {
        string json;
        if (path == "-")
        {
            using var reader = new StreamReader(Console.OpenStandardInput());
            json = await reader.ReadToEndAsync(ct);
        }
        else if (!File.Exists(path))
        {
            throw new UserError($"no such file: {path}");
        }
        else
        {
            json = await File.ReadAllTextAsync(path, ct);
        }
        try
        {
            return JsonSerializer.Deserialize<DatasetSpec>(json, SpecJson) ?? throw new UserError($"{path} holds null, not a mix spec.");
        }
        catch (JsonException e)
        {
            throw new UserError($"{path} is not a valid mix spec: {e.Message}");
        }
    }

    /// <summary>A spinner while the registry works, on a terminal; nothing when the output goes to a file or a pipe.</summary>
    Task<T> WithStatusAsync<T>(string message, Func<Task<T>> work) =>
        cli.Err.Profile.Capabilities.Interactive ? cli.Err.Status().StartAsync(message, _ => work()) : work();

    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static string P(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    /// <summary>Reports on the caller's thread: Progress&lt;T&gt; would post to a thread pool and race the final value.</summary>
    sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
