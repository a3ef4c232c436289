using System.CommandLine;
using System.Diagnostics;
using Provenance.Cli.Hosting;
using Provenance.Detector.Corpus;
using Provenance.Detector.Evaluation;
using Provenance.Detector.Jsonl;
using Provenance.Detector.Scoring;
using Provenance.Detector.Training;
using Spectre.Console;

namespace Provenance.Cli.Detection;

/// <summary><c>provenance detector train|eval|score</c>: the shipped AI-text detector, offline, without a registry.</summary>
internal sealed class DetectorCommands(CliContext cli)
{
    readonly Option<string?> _model = new("--model")
    {
        Description = "An ONNX model written by 'detector train' (its manifest next to it). Default: the model shipped with provenance.",
        Recursive = true,
    };

    readonly Option<string> _provider = new("--provider")
    {
        Description = "ONNX Runtime execution provider: cpu, cuda or tensorrt (GPU providers need the GPU build; they fall back to cpu).",
        DefaultValueFactory = _ => "cpu",
        Recursive = true,
    };

    public Command Create()
    {
        var zeroShot = new ZeroShotCommands(cli);
        var command = new Command("detector", "Train, evaluate and run the AI-text detector.") { Train(), Eval(), Score(), zeroShot.Create(), zeroShot.Combine() };
        command.Options.Add(_model);
        command.Options.Add(_provider);
        return command;
    }

    TextDetector Load(ParseResult parse)
    {
        var options = new DetectorOptions { ExecutionProvider = parse.GetValue(_provider)!, ModelPath = parse.GetValue(_model) };
        if (options.ModelPath is { } path && !File.Exists(path))
        {
            throw new UserError($"no such model file: {path}");
        }
        return TextDetector.Load(options, new ConsoleLogger(cli.Err));
    }

    Command Train()
    {
        var corpus = new Option<string>("--corpus") { Description = "Labelled JSONL (train.jsonl) or a folder holding it.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the ONNX model and its manifest.", DefaultValueFactory = _ => "detector-model" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => new TrainingOptions().Seed };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => new TrainingOptions().MaxEpochs };
        var version = new Option<string>("--version") { Description = "Version recorded in the manifest.", DefaultValueFactory = _ => new TrainingOptions().ModelVersion };
        var quick = new Option<bool>("--quick")
        {
            Description = "Take the verdict thresholds from the held-out slice of train instead of training once more per family "
                + "without it. Faster, but such thresholds say nothing about text from families the model has not seen.",
        };
        var command = new Command("train", "Train the detector on a labelled corpus and write an ONNX model with its manifest. The verdict thresholds are "
            + "chosen on leave-one-family-out scores (one extra training per family) so that no held-out family has more than 5% of its human texts flagged.")
        {
            corpus, output, seed, epochs, version, quick,
        };
        command.SetAction((parse, ct) => Guard(() =>
        {
            var options = new TrainingOptions
            {
                Seed = parse.GetValue(seed), MaxEpochs = parse.GetValue(epochs), ModelVersion = parse.GetValue(version)!,
                ThresholdsFromHeldOutFamilies = !parse.GetValue(quick),
            };
            var progress = new Progress<TrainingProgress>(p => cli.Err.MarkupLineInterpolated($"[grey]{p.Stage}:[/] {p.Message}"));
            var result = DetectorTrainer.Train(parse.GetValue(corpus)!, parse.GetValue(output)!, options, progress, ct);
            cli.Out.MarkupLineInterpolated($"wrote [bold]{result.ModelPath}[/] ({new FileInfo(result.ModelPath).Length / 1048576.0:F1} MiB) and {result.ManifestPath} in {result.Duration.TotalSeconds:F1} s");
            if (result.Manifest.HeldOutFamilies is { } families)
            {
                cli.Out.WriteLine();
                cli.Out.WriteLine($"Held-out families (each scored by a model trained without it), at thresholds {result.Manifest.Thresholds}:");
                cli.Out.WriteLine(FamilyTable.Format(families, result.Manifest.HeldOutFamiliesNested));
            }
            foreach (var (split, m) in result.Manifest.Metrics)
            {
                cli.Out.MarkupLineInterpolated($"{split}: AUROC {m.Auroc:F4}, TPR at 1% FPR {m.TprAt1PctFpr:F3}, accuracy {m.Accuracy:F3} on {m.Documents:N0} documents");
            }
            return 0;
        }));
        return command;
    }

    Command Eval()
    {
        var corpus = new Option<string>("--corpus")
        {
            Description = "dev.jsonl, or the corpus folder (dev.jsonl is evaluated; --held-out-families also reads train.jsonl from it).",
            Required = true,
        };
        var heldOut = new Option<bool>("--held-out-families")
        {
            Description = "Retrain the shipped recipe once per family without that family and score it at this model's thresholds "
                + "(several minutes on 2 cores). Without it, the held-out-family figures recorded in the model's manifest are shown.",
        };
        var record = new Option<bool>("--record") { Description = "Also write the dev figures into the model's manifest (needs --model)." };
        var command = new Command("eval", "Held-out-family figures first (what text from unseen sources gets), then the grouped dev split: "
            + "AUROC, TPR at 1% FPR, the verdicts' false-positive rate on human text and coverage per family, and a breakdown per source and generator.")
        {
            corpus, heldOut, record,
        };
        command.SetAction((parse, ct) => Guard(() =>
        {
            using var detector = Load(parse);
            var clock = Stopwatch.StartNew();
            var path = parse.GetValue(corpus)!;
            cli.Out.WriteLine($"Model {detector.ModelId}, thresholds {detector.Thresholds}");
            cli.Out.WriteLine();
            if (parse.GetValue(heldOut))
            {
                if (!Directory.Exists(path))
                {
                    throw new UserError("--held-out-families needs the corpus folder (train.jsonl and dev.jsonl), not a file");
                }
                var train = CorpusReader.Read(CorpusReader.Resolve(path, "train.jsonl")).ToList();
                var dev = CorpusReader.Read(CorpusReader.Resolve(path, "dev.jsonl")).ToList();
                var progress = new Progress<TrainingProgress>(p => cli.Err.MarkupLineInterpolated($"[grey]{p.Stage}:[/] {p.Message}"));
                var scores = LeaveOneFamilyOut.Run(train, dev, new TrainingOptions(), progress: progress, ct: ct).SelectMany(r => r.Scores).ToList();
                cli.Out.WriteLine("Held-out families: the shipped recipe trained without each family (train.jsonl), scored on it (train and dev), at this model's thresholds");
                cli.Out.WriteLine(FamilyTable.Format(VerdictCalibration.Measure(scores, detector.Thresholds)));
            }
            else if (detector.Manifest.HeldOutFamilies is { } recorded)
            {
                cli.Out.WriteLine("Held-out families, as recorded when the model was trained (each family scored by a model trained without it; "
                    + "nested: thresholds chosen without the family). Rerun with --held-out-families.");
                cli.Out.WriteLine(FamilyTable.Format(recorded, detector.Manifest.HeldOutFamiliesNested));
            }
            else
            {
                cli.Out.WriteLine("This model's manifest records no held-out-family figures (models before 2.0.0); --held-out-families computes them.");
                cli.Out.WriteLine();
            }
            var report = DetectorEvaluator.Evaluate(detector, path, ct: ct);
            cli.Out.WriteLine("Grouped dev split (shares no human original with train, but the same families: it overstates unseen text)");
            cli.Out.WriteLine(report.ToTable());
            cli.Err.MarkupLineInterpolated($"[grey]{detector.ModelId} on {detector.ExecutionProvider}, {clock.Elapsed.TotalSeconds:F1} s[/]");
            if (parse.GetValue(record))
            {
                var manifest = Path.ChangeExtension(parse.GetValue(_model) ?? throw new UserError("--record needs --model"), ".manifest.json");
                DetectorEvaluator.RecordInManifest(manifest, Path.GetFileNameWithoutExtension(CorpusReader.Resolve(path, "dev.jsonl")), report);
            }
            return 0;
        }));
        return command;
    }

    Command Score()
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
                e => cli.Err.MarkupLineInterpolated($"[yellow]skipped[/] {e}"), ct);
            cli.Out.MarkupLineInterpolated(
                $"scored {summary.Scored:N0} of {summary.Lines:N0} lines into {parse.GetValue(output)} ({summary.Errors.Count} rejected, {summary.Blank} blank) in {clock.Elapsed.TotalSeconds:F1} s with {detector.ModelId}");
            return summary.Errors.Count == 0 ? 0 : 2;
        }));
        return command;
    }

    Task<int> Guard(Func<int> body) => Guard(() => Task.FromResult(body()));

    async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is UserError or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            return cli.Fail(e.Message);
        }
    }
}
