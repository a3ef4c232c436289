using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Provenance.Cli.Hosting;
using Provenance.Detector.Corpus;
using Provenance.Detector.Evaluation;
using Provenance.Detector.Scoring;
using Provenance.Detector.Training;
using Provenance.Detector.ZeroShot;
using Spectre.Console;

namespace Provenance.Cli.Detection;

/// <summary><c>provenance detector zero-shot</c>: Fast-DetectGPT or Binoculars scores from ONNX causal language models.</summary>
internal sealed class ZeroShotCommands(CliContext cli)
{
    public Command Create()
    {
        var lm = new Option<string>("--lm")
        {
            Description = "Folder of a causal LM exported with 'optimum-cli export onnx --task text-generation' (model.onnx, config.json, tokenizer files). "
                + "Alone it scores with Fast-DetectGPT; with --performer it is Binoculars' observer.",
            Required = true,
        };
        var performer = new Option<string?>("--performer") { Description = "Binoculars' performer: a second exported LM with the same tokenizer." };
        var input = new Option<string>("--in") { Description = "JSONL with one {\"id\", \"text\"} per line.", Required = true };
        var output = new Option<string>("--out")
        {
            Description = "JSONL of {\"id\", \"criterion\", \"machine_score\", \"tokens\", \"method\"}; machine_score is higher for more machine-like text "
                + "whatever the method; both are null for texts under 2 tokens.",
            Required = true,
        };
        var defaults = new ZeroShotOptions();
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens read per text.", DefaultValueFactory = _ => defaults.MaxTokens };
        var budget = new Option<double>("--logits-budget") { Description = "MiB of logits a batch may hold.", DefaultValueFactory = _ => defaults.LogitsBudgetMiB };
        var batch = new Option<int>("--batch-size") { Description = "Lines read before scoring.", DefaultValueFactory = _ => 256 };
        var command = new Command("zero-shot", "Score documents from a JSONL file with a zero-shot criterion on ONNX language models. Bad lines are reported with their line number and skipped.")
        {
            lm, performer, input, output, maxTokens, budget, batch,
        };
        command.SetAction((parse, ct) => Guard(async () =>
        {
            var path = parse.GetValue(input)!;
            if (!File.Exists(path))
            {
                throw new UserError($"no such file: {path}");
            }
            var options = new ZeroShotOptions
            {
                Model = parse.GetValue(lm),
                Performer = parse.GetValue(performer),
                MaxTokens = parse.GetValue(maxTokens),
                LogitsBudgetMiB = parse.GetValue(budget),
            };
            // --provider belongs to 'detector' and is recursive, so it is read by name.
            var detector = new DetectorOptions { ExecutionProvider = parse.GetValue<string>("--provider") ?? "cpu" };
            using var scorer = ZeroShotScorer.Load(options, detector, new ConsoleLogger(cli.Err));
            var clock = Stopwatch.StartNew();
            var summary = await ZeroShotJsonl.ScoreFileAsync(path, parse.GetValue(output)!, scorer, parse.GetValue(batch),
                e => cli.Err.MarkupLineInterpolated($"[yellow]skipped[/] {e}"), ct);
            cli.Out.MarkupLineInterpolated(
                $"scored {summary.Scored:N0} of {summary.Lines:N0} lines into {parse.GetValue(output)} ({summary.Errors.Count} rejected, {summary.Blank} blank) in {clock.Elapsed.TotalSeconds:F1} s with {scorer.Id} on {scorer.ExecutionProvider}");
            return summary.Errors.Count == 0 ? 0 : 2;
        }));
        return command;
    }

    /// <summary><c>provenance detector combine</c>: fit the rule that joins the shipped classifier and a zero-shot score.</summary>
    public Command Combine()
    {
        var lm = new Option<string>("--lm") { Description = "Folder of an exported causal LM (see 'detector zero-shot'); alone: Fast-DetectGPT.", Required = true };
        var performer = new Option<string?>("--performer") { Description = "Binoculars' performer: a second exported LM with the same tokenizer." };
        var corpus = new Option<string>("--corpus") { Description = "The corpus folder (train.jsonl, and dev.jsonl if present).", Required = true };
        var output = new Option<string>("--out") { Description = "Where the rule JSON goes (Detector:ZeroShot:Rule).", DefaultValueFactory = _ => "combination-rule.json" };
        var defaults = new ZeroShotOptions();
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens read per text.", DefaultValueFactory = _ => defaults.MaxTokens };
        var command = new Command("combine", "Fit the rule that combines the shipped classifier with a zero-shot score, on held-out families: the classifier's "
            + "recipe is trained once per family without it, every held-out document and segment is scored by that model and the language model, "
            + "and the rule's weights and verdict thresholds are chosen on those scores (no family above 5% of its human texts flagged).")
        {
            lm, performer, corpus, output, maxTokens,
        };
        command.SetAction((parse, ct) => Guard(() =>
        {
            var folder = parse.GetValue(corpus)!;
            if (!Directory.Exists(folder))
            {
                throw new UserError($"--corpus needs the corpus folder (train.jsonl, dev.jsonl): {folder}");
            }
            var train = CorpusReader.Read(CorpusReader.Resolve(folder, "train.jsonl")).ToList();
            var dev = File.Exists(Path.Combine(folder, "dev.jsonl")) ? CorpusReader.Read(Path.Combine(folder, "dev.jsonl")).ToList() : [];
            var detectorOptions = new DetectorOptions { ExecutionProvider = parse.GetValue<string>("--provider") ?? "cpu" };
            using var scorer = ZeroShotScorer.Load(new ZeroShotOptions
            {
                Model = parse.GetValue(lm), Performer = parse.GetValue(performer), MaxTokens = parse.GetValue(maxTokens),
            }, detectorOptions, new ConsoleLogger(cli.Err));
            var recipe = new TrainingOptions();
            var progress = new Progress<TrainingProgress>(p => cli.Err.MarkupLineInterpolated($"[grey]{p.Stage}:[/] {p.Message}"));
            var held = LeaveOneFamilyOut.Run(train, dev, recipe, progress: progress, ct: ct).SelectMany(r => r.Scores).ToList();
            cli.Err.MarkupLineInterpolated($"[grey]zero-shot:[/] scoring {held.Count:N0} held-out documents and their segments with {scorer.Id}");
            var fitted = CombinationFitter.Fit(held, scorer, DefaultModel.Manifest.ModelId, recipe.Targets, DefaultModel.Manifest.Thresholds.Mixed, ct);
            File.WriteAllText(parse.GetValue(output)!, fitted.Rule.ToJson());
            cli.Out.WriteLine($"wrote {parse.GetValue(output)}: a {fitted.Rule.A:0.###}, b {fitted.Rule.B:0.###}, c {fitted.Rule.C:0.###} on {fitted.Rule.Rows:N0} rows of {fitted.Rule.Families} families");
            cli.Out.WriteLine($"Held-out families, classifier and {scorer.Id} combined, at {fitted.Rule.Thresholds}:");
            cli.Out.WriteLine(FamilyTable.Format(fitted.Families));
            cli.Out.WriteLine("The classifier alone on the same held-out scores:");
            cli.Out.WriteLine(FamilyTable.Format(fitted.ClassifierAlone));
            return Task.FromResult(0);
        }));
        return command;
    }

    async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is UserError or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            return cli.Fail(e.Message);
        }
    }
}
