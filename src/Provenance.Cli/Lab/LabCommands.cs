using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Provenance.Cli.Hosting;
using Provenance.Lab.Collapse;
using Provenance.Messaging;
using Provenance.Messaging.Ingestion;
using Spectre.Console;

namespace Provenance.Cli.Lab;

/// <summary><c>provenance lab</c>: experiments that run through the registry's own components.</summary>
internal sealed class LabCommands(CliContext cli)
{
    public Command Create() => new("lab", "Experiments run end to end through the registry.") { Collapse() };

    Command Collapse()
    {
        var human = new Option<string>("--human") { Description = "JSONL of human documents (a text field; rows labelled other than human are skipped).", Required = true };
        var broker = new Option<string?>("--broker") { Description = "RabbitMQ URI the registry consumes from (env PROVENANCE_BROKER): documents are registered over the bus." };
        var queue = new Option<string>("--queue") { Description = "The registry's registration queue.", DefaultValueFactory = _ => BusConfiguration.RegisterDocumentsQueue };
        var generations = new Option<int>("--generations") { Description = "Model generations after the one trained on human text.", DefaultValueFactory = _ => 8 };
        var policies = new Option<string>("--policies") { Description = "Comma-separated: replace, accumulate, anchored.", DefaultValueFactory = _ => "replace,accumulate,anchored" };
        var order = new Option<int>("--order") { Description = "n-gram order (3 = trigram).", DefaultValueFactory = _ => 3 };
        var pool = new Option<int>("--pool") { Description = "Human documents registered and trained on.", DefaultValueFactory = _ => 1000 };
        var test = new Option<int>("--test") { Description = "Human documents held out as the test set (never registered).", DefaultValueFactory = _ => 500 };
        var samples = new Option<int?>("--samples") { Description = "Documents each generation writes (default: the pool's size)." };
        var seed = new Option<int>("--seed") { Description = "Seeds the split, the sampling and the assemblies.", DefaultValueFactory = _ => 1 };
        var anchor = new Option<double>("--anchor") { Description = "The anchored policy's minHumanShare.", DefaultValueFactory = _ => 0.5 };
        var dataset = new Option<string>("--dataset") { Description = "Dataset name prefix: one dataset per policy, prefix-policy.", DefaultValueFactory = _ => "collapse" };
        var output = new Option<string>("--out") { Description = "Folder for collapse.json and collapse.png.", DefaultValueFactory = _ => "." };
        var command = new Command("collapse",
            "Train n-gram models recursively on their own output through the registry, under replace, accumulate and anchored data policies, "
            + "and measure each generation on held-out human text (writes collapse.json and collapse.png).")
        {
            human, broker, queue, generations, policies, order, pool, test, samples, seed, anchor, dataset, output,
        };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var chosen = new List<CollapsePolicy>();
            var known = Enum.GetValues<CollapsePolicy>().ToDictionary(CollapseSettings.Name, StringComparer.OrdinalIgnoreCase);
            foreach (var name in parse.GetValue(policies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!known.TryGetValue(name, out var policy))
                {
                    return cli.Fail($"--policies: '{name}' is not one of {string.Join(", ", known.Keys)}.");
                }
                chosen.Add(policy);
            }
            if (chosen.Count == 0 || parse.GetValue(generations) is < 1 or > 100 || parse.GetValue(order) is < 2 or > 6
                || parse.GetValue(pool) < 10 || parse.GetValue(test) < 1 || parse.GetValue(samples) is < 1 || parse.GetValue(anchor) is < 0 or > 1)
            {
                return cli.Fail("need at least one policy, --generations 1..100, --order 2..6, --pool ≥ 10, --test ≥ 1, --samples ≥ 1 and --anchor 0..1.");
            }
            var brokerUri = parse.GetValue(broker) ?? Environment.GetEnvironmentVariable("PROVENANCE_BROKER");
            if (string.IsNullOrWhiteSpace(brokerUri))
            {
                return cli.Fail("the lab registers its documents over the message bus: pass --broker (or set PROVENANCE_BROKER); deploy/scripts/lab.sh starts one.");
            }
            BrokerAddress address;
            try
            {
                address = BrokerAddress.Parse(brokerUri, parse.GetValue(broker) is null ? "PROVENANCE_BROKER" : "--broker");
            }
            catch (FormatException e)
            {
                return cli.Fail(e.Message);
            }
            var path = parse.GetValue(human)!;
            if (!File.Exists(path))
            {
                return cli.Fail($"no such file: {path}");
            }
            var settings = new CollapseSettings(chosen, parse.GetValue(generations), parse.GetValue(order), parse.GetValue(pool), parse.GetValue(test),
                parse.GetValue(samples), Seed: parse.GetValue(seed), AnchorShare: parse.GetValue(anchor), Dataset: parse.GetValue(dataset)!);
            HumanCorpus corpus;
            try
            {
                corpus = HumanCorpus.Split(HumanCorpus.ReadHumanTexts(path), settings.PoolDocuments, settings.TestDocuments, settings.Seed);
            }
            catch (ArgumentException e)
            {
                return cli.Fail(e.Message);
            }
            var folder = Directory.CreateDirectory(parse.GetValue(output)!).FullName;
            cli.Err.MarkupLineInterpolated($"[grey]registering over RabbitMQ at {address}; assembling at {client.BaseAddress}[/]");

            await using var sink = await BusBatchSink.StartAsync(address, TimeSpan.FromSeconds(120), token, parse.GetValue(queue)!);
            var registry = new LabRegistry(sink, client, "collapse-lab", settings.BatchSize);
            var progress = new Progress<string>(line => cli.Err.MarkupLineInterpolated($"[grey]{Terminal.Line(line)}[/]"));
            var result = await new CollapseLab(registry, settings, progress).RunAsync(corpus, token);

            await File.WriteAllTextAsync(Path.Combine(folder, "collapse.json"), JsonSerializer.Serialize(result, CollapseSettings.Json), token);
            CollapsePlot.Save(result, Path.Combine(folder, "collapse.png"));
            Print(result);
            cli.Out.MarkupLineInterpolated($"wrote {Path.Combine(folder, "collapse.json")} and {Path.Combine(folder, "collapse.png")}");
            return 0;
        }, ct));
        return command;
    }

    void Print(CollapseResult r)
    {
        static string F(double v, string format) => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);
        var table = new Table().AddColumns("policy", "gen", "version", "documents", "human", "max depth", "warnings", "bits/token",
            $"unseen {r.Settings.Order}-grams",
            "distinct-2", "assembly s");
        foreach (var g in r.Generations)
        {
            table.AddRow(g.Policy, g.Generation.ToString(CultureInfo.InvariantCulture), Terminal.Escape(g.Version) + (g.Refused is null ? "" : " (capped)"),
                g.Documents.ToString("N0", CultureInfo.InvariantCulture), F(g.HumanShare, "P0"), g.MaxDepth?.ToString(CultureInfo.InvariantCulture) ?? "–",
                g.Warnings.Count.ToString(CultureInfo.InvariantCulture), F(g.CrossEntropy, "F2"), F(g.UnseenShare, "P1"), F(g.Distinct2, "F3"),
                F(g.AssembleSeconds, "F2"));
        }
        cli.Out.Write(table);
        foreach (var c in r.Chains)
        {
            cli.Out.MarkupLineInterpolated(
                $"{c.Policy}: {c.LastVersion} chain of {c.ChainLength} version(s); deepest document {c.DeepestDocument?.ToString(CultureInfo.InvariantCulture) ?? "–"} at depth {c.LineageDepth?.ToString(CultureInfo.InvariantCulture) ?? "–"}, its ancestors {c.AncestorLevels} generation(s) up{(c.ReachesHuman ? " to human text" : "")}");
        }
        var a = r.Load.AssemblySeconds;
        var sorted = a.Order().ToArray();
        cli.Out.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"registry: {r.Load.DocumentsRegistered:N0} documents registered over the bus at {r.Load.DocumentsPerSecond:N0}/s; {a.Count} assemblies, median {(sorted.Length == 0 ? 0 : sorted[sorted.Length / 2]):F2} s, max {(sorted.Length == 0 ? 0 : sorted[^1]):F2} s; wall {r.WallSeconds:F0} s");
        foreach (var refused in r.Generations.Where(g => g.Refused is not null).Take(1))
        {
            cli.Out.MarkupLineInterpolated($"[grey]{refused.Policy} g{refused.Generation}, the registry's refusal: {Terminal.Line(refused.Refused)}[/]");
        }
    }
}
