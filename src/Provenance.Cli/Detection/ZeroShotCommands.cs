using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Provenance.Cli.Hosting;
using Provenance.Detector.Scoring;
using Provenance.Detector.ZeroShot;
using Spectre.Console;

namespace Provenance.Cli.Detection;

/// <summary><c>provenance detector zero-shot</c>: Fast-DetectGPT or Binoculars scores from ONNX causal language models.</summary>
internal static class ZeroShotCommands
{
    public static Command Create()
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
            using var scorer = ZeroShotScorer.Load(options, detector, new ConsoleLogger());
            var clock = Stopwatch.StartNew();
            var summary = await ZeroShotJsonl.ScoreFileAsync(path, parse.GetValue(output)!, scorer, parse.GetValue(batch),
                e => CliContext.Err.MarkupLineInterpolated($"[yellow]skipped[/] {e}"), ct);
            CliContext.Out.MarkupLineInterpolated(
                $"scored {summary.Scored:N0} of {summary.Lines:N0} lines into {parse.GetValue(output)} ({summary.Errors.Count} rejected, {summary.Blank} blank) in {clock.Elapsed.TotalSeconds:F1} s with {scorer.Id} on {scorer.ExecutionProvider}");
            return summary.Errors.Count == 0 ? 0 : 2;
        }));
        return command;
    }

    static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is UserError or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            return CliContext.Fail(e.Message);
        }
    }

    /// <summary>Shows the scorer's log lines (execution provider, GPU fallback) on standard error.</summary>
    sealed class ConsoleLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var color = logLevel >= LogLevel.Warning ? "yellow" : "grey";
            CliContext.Err.MarkupLineInterpolated($"[{color}]{formatter(state, exception)}[/]");
        }
    }
}
