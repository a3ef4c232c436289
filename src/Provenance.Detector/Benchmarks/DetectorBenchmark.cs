using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Provenance.Detector.Corpus;
using Provenance.Detector.Features;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;

namespace Provenance.Detector.Benchmarks;

/// <summary>Throughput of one benchmark run.</summary>
/// <param name="PeakWorkingSetBytes">The process's peak working set when the run ended (includes everything loaded before).</param>
public sealed record BenchmarkResult(string Model, string Provider, int Documents, double MeanCharacters, int BatchSize,
    double Seconds, double DocumentsPerSecond, long PeakWorkingSetBytes)
{
    public override string ToString() =>
        $"{Model} on {Provider}: {Documents} documents of {MeanCharacters:0} chars, batch {BatchSize}: "
        + $"{DocumentsPerSecond:0} docs/s ({Seconds:0.00} s), peak working set {PeakWorkingSetBytes / 1048576.0:0} MiB";
}

/// <summary>
/// Measures scoring throughput, for `provenance detector bench`. Speed is measured here and reported, never
/// asserted by tests.
/// </summary>
public static class DetectorBenchmark
{
    /// <summary>
    /// Scores <paramref name="count"/> documents of about 1 KB with the shipped model (or
    /// <see cref="DetectorOptions.ModelPath"/>) after a warm-up pass. Documents come from the corpus when a path is
    /// given (texts cut or joined to ~1 KB), otherwise they are generated.
    /// </summary>
    public static BenchmarkResult Run(DetectorOptions options, string? corpusPath = null, int count = 20_000, int repetitions = 3,
        ILogger? logger = null) => RunWithBaseline(options, corpusPath, count, repetitions, logger).Detector;

    /// <summary>
    /// The detector's throughput with two figures measured in the same run on the same documents: the featurizer alone
    /// (tokenizing and hashing on the same threads, without the model: the floor any model on this featurizer pays) and
    /// whole verdicts (the document and its segments scored and the verdict rule applied, which is what the worker does).
    /// </summary>
    public static (BenchmarkResult Featurizer, BenchmarkResult Detector, BenchmarkResult Verdicts) RunWithBaseline(DetectorOptions options,
        string? corpusPath = null, int count = 20_000, int repetitions = 3, ILogger? logger = null)
    {
        var documents = corpusPath is null ? SyntheticDocuments(count) : CorpusDocuments(corpusPath, count);
        using var detector = TextDetector.Load(options, logger);
        var featurizer = Measure("featurizer only (baseline)", detector.ExecutionProvider, documents, options.MaxBatch, repetitions, texts =>
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveFeaturizerThreads };
            Parallel.For(0, texts.Count, parallel, () => new DocumentFeaturizer(detector.Manifest.Features), (i, _, f) =>
            {
                f.Featurize(texts[i]);
                return f;
            }, _ => { });
        });
        var scores = Run(detector, documents, options.MaxBatch, repetitions);
        var scorer = new DocumentScorer(detector);
        var verdicts = Measure($"{detector.ModelId} verdicts", detector.ExecutionProvider, documents, options.MaxBatch, repetitions, texts => scorer.Score(texts));
        return (featurizer, scores, verdicts);
    }

    /// <summary>
    /// Scores <paramref name="documents"/> once to warm up, then <paramref name="repetitions"/> times, and reports
    /// the median pass: on a shared machine one pass can lose its cores to something else.
    /// </summary>
    public static BenchmarkResult Run(ITextDetector detector, IReadOnlyList<string> documents, int batchSize, int repetitions = 3) =>
        Measure(detector.ModelId, detector.ExecutionProvider, documents, batchSize, repetitions, texts => detector.Score(texts));

    static BenchmarkResult Measure(string what, string provider, IReadOnlyList<string> documents, int batchSize, int repetitions,
        Action<IReadOnlyList<string>> pass)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        pass(documents.Take(Math.Min(documents.Count, 2 * batchSize)).ToArray());
        var seconds = new double[repetitions];
        for (var r = 0; r < repetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            pass(documents);
            seconds[r] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(seconds);
        var median = seconds[repetitions / 2];
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new BenchmarkResult(what, provider, documents.Count, documents.Average(d => d.Length),
            batchSize, median, documents.Count / median, process.PeakWorkingSet64);
    }

    /// <summary>Corpus texts cut to about <paramref name="characters"/> characters (short ones are joined).</summary>
    public static IReadOnlyList<string> CorpusDocuments(string corpusPath, int count, int characters = 1024)
    {
        var file = CorpusReader.Resolve(corpusPath, "dev.jsonl");
        var texts = CorpusReader.Read(file).Select(d => d.Text).ToArray();
        var documents = new List<string>(count);
        var builder = new StringBuilder();
        var next = 0;
        while (documents.Count < count)
        {
            builder.Clear();
            while (builder.Length < characters)
            {
                builder.Append(texts[next++ % texts.Length]).Append('\n');
            }
            documents.Add(builder.ToString(0, characters));
        }
        return documents;
    }

    /// <summary>Deterministic English-like documents of about <paramref name="characters"/> characters.</summary>
    public static IReadOnlyList<string> SyntheticDocuments(int count, int characters = 1024, int seed = 1)
    {
        var random = new Random(seed);
        var documents = new string[count];
        var builder = new StringBuilder(characters + 64);
        for (var d = 0; d < count; d++)
        {
            builder.Clear();
            while (builder.Length < characters)
            {
                var words = random.Next(6, 28);
                for (var w = 0; w < words; w++)
                {
                    var word = Vocabulary[random.Next(Vocabulary.Length)];
                    builder.Append(w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
                    builder.Append(w == words - 1 ? (random.Next(8) == 0 ? "? " : ". ") : random.Next(9) == 0 ? ", " : " ");
                }
                if (random.Next(6) == 0)
                {
                    builder.Append('\n');
                }
            }
            documents[d] = builder.ToString(0, characters);
        }
        return documents;
    }

    static readonly string[] Vocabulary =
    [
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
        "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were",
        "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who",
        "so", "no", "people", "time", "year", "government", "market", "system", "report", "water", "city", "school",
        "company", "research", "model", "data", "history", "energy", "team", "policy", "question", "language",
        "important", "different", "significant", "local", "public", "recent", "economic", "various", "however",
        "children", "students", "council", "village", "weather", "season", "players", "minister", "hospital",
        "increase", "develop", "explain", "believe", "remember", "describe", "consider", "provide", "suggest",
        "quickly", "finally", "usually", "perhaps", "really", "often", "together", "during", "between", "without",
    ];
}
