using System.CommandLine;
using System.Diagnostics;
using Provenance.Cli.Hosting;
using Provenance.Detector.Evaluation;
using Provenance.Detector.Jsonl;
using Provenance.Detector.Scoring;
using Provenance.Detector.Training;
using Spectre.Console;

namespace Provenance.Cli.Detection;

/// <summary><c>provenance detector train|eval|score</c>: the shipped AI-text detector, offline, without a registry.</summary>
internal static class DetectorCommands
{
    static readonly Option<string?> Model = new("--model")
    {
        Description = "An ONNX model written by 'detector train' (its manifest next to it). Default: the model shipped with provenance.",
        Recursive = true,
    };

    static readonly Option<string> Provider = new("--provider")
    {
        Description = "ONNX Runtime execution provider: cpu, cuda or tensorrt (GPU providers need the GPU build; they fall back to cpu).",
        DefaultValueFactory = _ => "cpu",
        Recursive = true,
    };

    public static Command Create()
    {
        var command = new Command("detector", "Train, evaluate and run the AI-text detector.") { Train(), Eval(), Score(), ZeroShotCommands.Create() };
        command.Options.Add(Model);
        command.Options.Add(Provider);
        return command;
    }

    static TextDetector Load(ParseResult parse)
    {
        var options = new DetectorOptions { ExecutionProvider = parse.GetValue(Provider)!, ModelPath = parse.GetValue(Model) };
        if (options.ModelPath is { } path && !File.Exists(path))
        {
            throw new UserError($"no such model file: {path}");
        }
        return TextDetector.Load(options, new ConsoleLogger());
    }

    static Command Train()
    {
        var corpus = new Option<string>("--corpus") { Description = "Labelled JSONL (train.jsonl) or a folder holding it.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the ONNX model and its manifest.", DefaultValueFactory = _ => "detector-model" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => new TrainingOptions().Seed };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => new TrainingOptions().MaxEpochs };
        var version = new Option<string>("--version") { Description = "Version recorded in the manifest.", DefaultValueFactory = _ => new TrainingOptions().ModelVersion };
        var command = new Command("train", "Train the detector on a labelled corpus and write an ONNX model with its manifest.") { corpus, output, seed, epochs, version };
        command.SetAction((parse, ct) => Guard(() =>
        {
            var options = new TrainingOptions { Seed = parse.GetValue(seed), MaxEpochs = parse.GetValue(epochs), ModelVersion = parse.GetValue(version)! };
            var progress = new Progress<TrainingProgress>(p => CliContext.Err.MarkupLineInterpolated($"[grey]{p.Stage}:[/] {p.Message}"));
            var result = DetectorTrainer.Train(parse.GetValue(corpus)!, parse.GetValue(output)!, options, progress, ct);
            CliContext.Out.MarkupLineInterpolated($"wrote [bold]{result.ModelPath}[/] ({new FileInfo(result.ModelPath).Length / 1048576.0:F1} MiB) and {result.ManifestPath} in {result.Duration.TotalSeconds:F1} s");
            foreach (var (split, m) in result.Manifest.Metrics)
            {
                CliContext.Out.MarkupLineInterpolated($"{split}: AUROC {m.Auroc:F4}, TPR at 1% FPR {m.TprAt1PctFpr:F3}, accuracy {m.Accuracy:F3} on {m.Documents:N0} documents");
            }
            return 0;
        }));
        return command;
    }

    static Command Eval()
    {
        var corpus = new Option<string>("--corpus") { Description = "Labelled JSONL (dev.jsonl) or a folder holding it.", Required = true };
        var record = new Option<bool>("--record") { Description = "Also write the figures into the model's manifest (needs --model)." };
        var command = new Command("eval", "AUROC (human vs machine-or-mixed), TPR at 1% FPR, and a breakdown per source and generator.") { corpus, record };
        command.SetAction((parse, ct) => Guard(() =>
        {
            using var detector = Load(parse);
            var clock = Stopwatch.StartNew();
            var report = DetectorEvaluator.Evaluate(detector, parse.GetValue(corpus)!, ct: ct);
            CliContext.Out.WriteLine(report.ToTable());
            CliContext.Err.MarkupLineInterpolated($"[grey]{detector.ModelId} on {detector.ExecutionProvider}, {clock.Elapsed.TotalSeconds:F1} s[/]");
            if (parse.GetValue(record))
            {
                var manifest = Path.ChangeExtension(parse.GetValue(Model) ?? throw new UserError("--record needs --model"), ".manifest.json");
                DetectorEvaluator.RecordInManifest(manifest, Path.GetFileNameWithoutExtension(parse.GetValue(corpus)!), report);
            }
            return 0;
        }));
        return command;
    }

    static Command Score()
    {
        var input = new Option<string>("--in") { Description = "JSONL with one {\"id\", \"text\"} per line.", Required = true };
        var output = new Option<string>("--out")
        {
            Description = "JSONL of {\"id\", \"p_synthetic\", \"p_mixed\", \"class\", \"confidence\", \"segments_disagree\"}; p_synthetic = P(not purely human); "
                + "class and confidence are the verdict the detector worker records (mixed also when confident segments disagree).",
            Required = true,
        };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 256 };
        var command = new Command("score", "Score documents from a JSONL file as the detector worker does. Bad lines are reported with their line number and skipped.") { input, output, batch };
        command.SetAction((parse, ct) => Guard(async () =>
        {
            var path = parse.GetValue(input)!;
            if (!File.Exists(path))
            {
                throw new UserError($"no such file: {path}");
            }
            using var detector = Load(parse);
            var clock = Stopwatch.StartNew();
            var summary = await JsonlScorer.ScoreFileAsync(path, parse.GetValue(output)!, detector, parse.GetValue(batch),
                e => CliContext.Err.MarkupLineInterpolated($"[yellow]skipped[/] {e}"), ct);
            CliContext.Out.MarkupLineInterpolated(
                $"scored {summary.Scored:N0} of {summary.Lines:N0} lines into {parse.GetValue(output)} ({summary.Errors.Count} rejected, {summary.Blank} blank) in {clock.Elapsed.TotalSeconds:F1} s with {detector.ModelId}");
            return summary.Errors.Count == 0 ? 0 : 2;
        }));
        return command;
    }

    static Task<int> Guard(Func<int> body) => Guard(() => Task.FromResult(body()));

    static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is UserError or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            return CliContext.Fail(e.Message);
        }
    }

    /// <summary>Shows the detector's own log lines (execution provider, GPU fallback) on standard error.</summary>
    sealed class ConsoleLogger : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Information;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var color = logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning ? "yellow" : "grey";
            CliContext.Err.MarkupLineInterpolated($"[{color}]{formatter(state, exception)}[/]");
        }
    }
}
