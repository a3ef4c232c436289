using System.Text;
using System.Text.Json;
using Provenance.Detector.Corpus;
using Provenance.Detector.Evaluation;
using Provenance.Detector.Features;
using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;
using Provenance.Detector.Tests.Support;
using Provenance.Detector.Training;

namespace Provenance.Detector.Tests.Training;

public sealed class DetectorTrainerTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-train-");

    public void Dispose() => _directory.Delete(recursive: true);

    static readonly TrainingOptions Quick = new()
    {
        MaxEpochs = 3,
        Patience = 3,
        Hidden = 8,
        LanguageModelFolds = 2,
        ThresholdsFromHeldOutFamilies = false,
        ModelName = "quick",
        ModelVersion = "0.0.1",
        Features = new FeatureConfig { NgramBuckets = 1 << 12, EmbeddingDim = 8, LmUnigramBuckets = 1 << 12, LmBigramBuckets = 1 << 14 },
    };

    /// <summary>
    /// A generated corpus where "human" documents ramble with short, uneven sentences and "machine" documents use
    /// long, even sentences from another vocabulary. Nothing from the real corpus.
    /// </summary>
    static string WriteCorpus(string folder, int documents, int seed, int families = 1)
    {
        string[] humanWords = ["honestly", "yeah", "lol", "kinda", "my", "dog", "went", "out", "and", "stuff", "i", "guess", "weird", "day"];
        string[] machineWords = ["furthermore", "it", "is", "important", "to", "note", "that", "various", "factors", "significantly",
            "contribute", "overall", "outcomes", "additionally", "the"];
        var random = new Random(seed);
        string Sentences(string[] words, int minLength, int maxLength, int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ =>
        {
            var sentence = string.Join(' ', Enumerable.Range(0, random.Next(minLength, maxLength)).Select(_ => words[random.Next(words.Length)]));
            return char.ToUpperInvariant(sentence[0]) + sentence[1..] + ".";
        }));

        var path = Path.Combine(folder, "train.jsonl");
        var lines = new StringBuilder();
        for (var i = 0; i < documents; i++)
        {
            var (label, text) = (i % 5) switch
            {
                0 or 1 => ("human", Sentences(humanWords, 2, 9, random.Next(3, 8))),
                2 or 3 => ("synthetic", Sentences(machineWords, 14, 18, random.Next(3, 6))),
                _ => ("mixed", Sentences(humanWords, 2, 9, 3) + "\n\n" + Sentences(machineWords, 14, 18, 3)),
            };
            lines.AppendLine(JsonSerializer.Serialize(new
            {
                id = $"{seed}-{i}", text, label, generator = label == "human" ? null : "generated", domain = "toy", source = families == 1 ? $"toy/part{i % 3}" : $"toy{i % families}/part",
            }));
        }
        File.WriteAllText(path, lines.ToString());
        return path;
    }

    [Fact]
    public void TrainingWritesAModelAndManifestThatScoreAndSeparateTheClasses()
    {
        var corpus = WriteCorpus(_directory.FullName, 400, 1);
        var output = Path.Combine(_directory.FullName, "model");
        var stages = new List<string>();

        var result = DetectorTrainer.Train(corpus, output, Quick, new Progress(p => stages.Add(p.Stage)));
        using var detector = TextDetector.Load(result.ModelPath);
        var heldOut = CorpusReader.Read(WriteCorpus(Directory.CreateDirectory(Path.Combine(_directory.FullName, "dev")).FullName, 100, 2)).ToList();
        var report = DetectorEvaluator.Evaluate(detector, heldOut, "generated");

        Assert.True(File.Exists(result.ManifestPath));
        Assert.Equal("quick@0.0.1", detector.ModelId);
        Assert.Equal(CorpusReader.Digest(corpus), result.Manifest.Training.CorpusSha256);
        Assert.Contains("validation", result.Manifest.Metrics.Keys);
        Assert.Contains("epoch", stages);
        Assert.Equal("done", stages[^1]);
        Assert.True(report.Auroc > 0.95, $"AUROC {report.Auroc}");
    }

    [Fact]
    public void TheSameSeedGivesTheSameModelBytes()
    {
        var corpus = WriteCorpus(_directory.FullName, 200, 3);

        var first = DetectorTrainer.Train(corpus, Path.Combine(_directory.FullName, "a"), Quick);
        var second = DetectorTrainer.Train(corpus, Path.Combine(_directory.FullName, "b"), Quick);
        var otherSeed = DetectorTrainer.Train(corpus, Path.Combine(_directory.FullName, "c"), Quick with { Seed = 99 });

        Assert.Equal(File.ReadAllBytes(first.ModelPath), File.ReadAllBytes(second.ModelPath));
        Assert.Equal(first.Manifest.ModelSha256, second.Manifest.ModelSha256);
        Assert.NotEqual(first.Manifest.ModelSha256, otherSeed.Manifest.ModelSha256);
    }

    [Fact]
    public void ATinyRunOnASliceOfTheRealCorpusLearnsSomething()
    {
        var corpus = TestCorpus.Require("train.jsonl");

        var result = DetectorTrainer.Train(corpus, Path.Combine(_directory.FullName, "slice"), Quick with { MaxDocuments = 3000, MaxEpochs = 4, Hidden = 32, LanguageModelFolds = 5 });

        // Well above chance (0.5; the standard error on ~300 held-out documents is about 0.03): training finds signal in the
        // real corpus. How well it carries to unseen families is what the held-out-family figures measure.
        Assert.True(result.Manifest.Metrics["validation"].Auroc > 0.6, $"validation AUROC {result.Manifest.Metrics["validation"].Auroc}");
    }

    [Fact]
    public void EachHeldOutFamilyIsScoredByAModelTrainedWithoutIt()
    {
        var documents = CorpusReader.Read(WriteCorpus(_directory.FullName, 300, 4, families: 3)).ToList();

        var runs = LeaveOneFamilyOut.Run(documents, [], Quick);

        Assert.Equal(["toy0", "toy1", "toy2"], runs.Select(r => r.Family));
        Assert.All(runs, r =>
        {
            Assert.Equal(documents.Count(d => d.Family != r.Family), r.TrainDocuments);
            Assert.Equal(documents.Count(d => d.Family == r.Family), r.Scores.Count);
            Assert.All(r.Scores, s => Assert.Equal(r.Family, s.Document.Family));
        });
    }

    [Fact]
    public void TrainingChoosesVerdictThresholdsOnHeldOutFamiliesAndRecordsTheirFigures()
    {
        var corpus = WriteCorpus(_directory.FullName, 300, 5, families: 3);

        var result = DetectorTrainer.Train(corpus, Path.Combine(_directory.FullName, "lofo"), Quick with { ThresholdsFromHeldOutFamilies = true });

        var families = result.Manifest.HeldOutFamilies!;
        Assert.Equal(3, families.Count);
        Assert.All(families, f => Assert.True(f.HumanFlagged <= Quick.Targets.MaxHumanFlagged, $"{f.Family}: {f.HumanFlagged}"));
        Assert.Equal(3, result.Manifest.HeldOutFamiliesNested!.Count);
        Assert.Equal(Quick.Targets, result.Manifest.Targets);
        Assert.NotNull(result.Manifest.Thresholds.Human);
        var reloaded = ModelManifest.FromJson(File.ReadAllText(result.ManifestPath));
        Assert.Equal(families, reloaded.HeldOutFamilies);
    }

    sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
