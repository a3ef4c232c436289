using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Provenance.Detector.Scoring;

namespace Provenance.Detector.ZeroShot;

/// <summary>The zero-shot criteria this project implements.</summary>
public enum ZeroShotMethod
{
    /// <summary>Bao et al., "Fast-DetectGPT", ICLR 2024: analytic sampling discrepancy, one model samples and scores.</summary>
    FastDetectGpt,

    /// <summary>Hans et al., "Spotting LLMs with Binoculars", ICML 2024: perplexity over cross-perplexity of two models.</summary>
    Binoculars,
}

/// <summary>One text's zero-shot score.</summary>
/// <param name="Criterion">The method's own statistic, sign as in its paper (Fast-DetectGPT: higher is more machine-like; Binoculars: lower is). NaN when the text had fewer than 2 tokens.</param>
/// <param name="Tokens">Tokens read, special tokens included, after the cap.</param>
/// <param name="MachineScore">The criterion with one sign for every method: higher is more machine-like. NaN when the criterion is.</param>
public readonly record struct ZeroShotScore(double Criterion, int Tokens, double MachineScore)
{
    public bool IsScored => double.IsFinite(MachineScore);
}

/// <summary>
/// Scores texts with a zero-shot criterion on ONNX causal language models: Fast-DetectGPT on one model, or Binoculars
/// on an observer and a performer sharing a tokenizer. Texts are batched by length and by the logits they would
/// hold; the per-position statistics are computed from ONNX Runtime's output in place, rows in parallel. Thread-safe.
/// </summary>
public sealed class ZeroShotScorer : IDisposable
{
    readonly CausalLanguageModel _model;
    readonly CausalLanguageModel? _performer;
    readonly ZeroShotOptions _options;
    readonly DetectorOptions _detectorOptions;
    int _runs;

    ZeroShotScorer(CausalLanguageModel model, CausalLanguageModel? performer, ZeroShotOptions options, DetectorOptions detectorOptions)
    {
        _model = model;
        _performer = performer;
        _options = options;
        _detectorOptions = detectorOptions;
        if (performer is not null)
        {
            RequireSameVocabulary(model, performer);
        }
        if ((long)options.MaxTokens * model.VocabularySize > int.MaxValue)
        {
            throw new ArgumentException(
                $"Detector:ZeroShot:MaxTokens {options.MaxTokens} × a {model.VocabularySize}-token vocabulary is more logits than one row can hold; use at most {int.MaxValue / model.VocabularySize}.");
        }
    }

    public ZeroShotMethod Method => _performer is null ? ZeroShotMethod.FastDetectGpt : ZeroShotMethod.Binoculars;

    /// <summary>"fast-detect-gpt" or "binoculars", as written in scores and model ids.</summary>
    public string MethodName => MethodNames(Method);

    /// <summary>
    /// "method:model", e.g. "fast-detect-gpt:qwen2.5-0.5b", or "binoculars:observer,performer", e.g.
    /// "binoculars:falcon-7b,falcon-7b-instruct". Appended to the classifier's id by <see cref="CombinedDetector"/>.
    /// </summary>
    public string Id => _performer is null ? $"{MethodName}:{_model.Name}" : $"{MethodName}:{_model.Name},{_performer.Name}";

    /// <summary>The execution provider actually in use (after any fallback).</summary>
    public string ExecutionProvider => _model.ExecutionProvider;

    /// <summary>The scoring model (Binoculars: the observer, whose tokenizer both models read).</summary>
    internal CausalLanguageModel Model => _model;

    /// <summary>Session runs so far (a Binoculars batch counts once); lets tests see how texts were batched.</summary>
    internal int Runs => Volatile.Read(ref _runs);

    public static string MethodNames(ZeroShotMethod method) => method == ZeroShotMethod.FastDetectGpt ? "fast-detect-gpt" : "binoculars";

    /// <summary>Loads <see cref="ZeroShotOptions.Model"/> (and <see cref="ZeroShotOptions.Performer"/> for Binoculars) on the configured provider.</summary>
    public static ZeroShotScorer Load(ZeroShotOptions options, DetectorOptions? detectorOptions = null, ILogger? logger = null)
    {
        options.Validate();
        detectorOptions ??= new DetectorOptions();
        logger ??= NullLogger.Instance;
        var model = CausalLanguageModel.Load(options.Model!, detectorOptions, logger, options.Name);
        CausalLanguageModel? performer = null;
        try
        {
            if (!string.IsNullOrWhiteSpace(options.Performer))
            {
                performer = CausalLanguageModel.Load(options.Performer, detectorOptions, logger);
            }
            return new ZeroShotScorer(model, performer, options, detectorOptions);
        }
        catch
        {
            performer?.Dispose();
            model.Dispose();
            throw;
        }
    }

    static void RequireSameVocabulary(CausalLanguageModel observer, CausalLanguageModel performer)
    {
        string Refuse(string why) =>
            $"Binoculars needs an observer and a performer that share one tokenizer, and {observer.Directory} and {performer.Directory} do not: {why}.";

        if (observer.VocabularySize != performer.VocabularySize)
        {
            throw new InvalidDataException(Refuse($"their logits cover {observer.VocabularySize} and {performer.VocabularySize} tokens"));
        }
        var a = observer.Tokenizer.Vocabulary ?? throw new InvalidDataException(Refuse("the observer's tokenizer does not list its vocabulary"));
        var b = performer.Tokenizer.Vocabulary ?? throw new InvalidDataException(Refuse("the performer's tokenizer does not list its vocabulary"));
        if (a.Count != b.Count)
        {
            throw new InvalidDataException(Refuse($"their tokenizers have {a.Count} and {b.Count} tokens"));
        }
        foreach (var (token, id) in a)
        {
            if (!b.TryGetValue(token, out var other))
            {
                throw new InvalidDataException(Refuse($"token '{token}' (id {id}) is not in the performer's vocabulary"));
            }
            if (other != id)
            {
                throw new InvalidDataException(Refuse($"token '{token}' is id {id} in the observer and id {other} in the performer"));
            }
        }
        if (observer.Tokenizer.BosId != performer.Tokenizer.BosId)
        {
            throw new InvalidDataException(Refuse("one adds a BOS token and the other does not"));
        }
    }

    /// <summary>Scores texts; one result per text, in order.</summary>
    public IReadOnlyList<ZeroShotScore> Score(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _detectorOptions.EffectiveFeaturizerThreads, CancellationToken = ct };
        var encoded = new IReadOnlyList<int>[texts.Count];
        Parallel.For(0, texts.Count, parallel, i => encoded[i] = _model.Tokenizer.Encode(texts[i] ?? "", _options.MaxTokens));

        var scores = new ZeroShotScore[texts.Count];
        // Fewer than 2 tokens leaves no token predicted from a prefix: nothing to score, and nothing to run.
        var scorable = new List<int>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            if (encoded[i].Count < 2)
            {
                scores[i] = new ZeroShotScore(double.NaN, encoded[i].Count, double.NaN);
            }
            else
            {
                scorable.Add(i);
            }
        }

        var lengths = scorable.Select(i => encoded[i].Count).ToArray();
        foreach (var batch in Plan(lengths, _detectorOptions.MaxBatch, _options.LogitsBudgetMiB, _model.VocabularySize, _performer is null ? 1 : 2))
        {
            ct.ThrowIfCancellationRequested();
            var rows = batch.Select(b => encoded[scorable[b]]).ToArray();
            using var logits = _model.Run(rows);
            using var performerLogits = _performer?.Run(rows);
            Interlocked.Increment(ref _runs);
            Parallel.For(0, rows.Length, parallel, r =>
            {
                var criterion = performerLogits is null ? FastDetectGpt(logits, r, rows[r]) : Binoculars(logits, performerLogits, r, rows[r]);
                var machine = Method == ZeroShotMethod.FastDetectGpt ? criterion : -criterion;
                scores[scorable[batch[r]]] = new ZeroShotScore(criterion, rows[r].Count, machine);
            });
        }
        return scores;
    }

    /// <summary>
    /// Batches of texts by length (shortest first) whose logits stay within <paramref name="budgetMiB"/>: rows × longest
    /// row × <paramref name="vocabulary"/> × 4 bytes × <paramref name="models"/>, and within what one tensor can index.
    /// </summary>
    internal static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int maxBatch, double budgetMiB, int vocabulary, int models)
    {
        var bytesPerToken = (double)vocabulary * sizeof(float) * models;
        var tokens = Math.Min(budgetMiB * 1024 * 1024 / bytesPerToken, int.MaxValue / (double)vocabulary);
        return LengthBatcher.Plan(lengths, maxBatch, Math.Max(1, (long)tokens));
    }

    /// <summary>
    /// Fast-DetectGPT's analytic criterion with the scoring model as its own sampling model, as the reference code
    /// computes it (baoguangsheng/fast-detect-gpt, scripts/fast_detect_gpt.py, get_sampling_discrepancy_analytic):
    /// over the positions t = 1..L-1 that predict token x_t from its prefix,
    /// (Σ_t log p(x_t) - Σ_t μ_t) / sqrt(Σ_t σ²_t), with μ_t and σ²_t the mean and variance of log p under p itself.
    /// Sums, not means: the reference sums over tokens, and its final .mean() is over the batch of one text.
    /// </summary>
    static double FastDetectGpt(BatchLogits logits, int row, IReadOnlyList<int> tokens)
    {
        var scratch = ArrayPool<float>.Shared.Rent(logits.Vocabulary);
        try
        {
            double likelihood = 0, mean = 0, variance = 0;
            for (var t = 1; t < tokens.Count; t++)
            {
                var (ll, mu, sigma2) = TokenStatistics.Analytic(logits.At(row, t - 1, scratch), tokens[t]);
                likelihood += ll;
                mean += mu;
                variance += sigma2;
            }
            return variance > 0 ? (likelihood - mean) / Math.Sqrt(variance) : double.NaN;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Binoculars as the official code computes it (ahans30/Binoculars, binoculars/detector.py and metrics.py):
    /// ppl = perplexity(encodings, performer_logits), the performer's mean log-loss on tokens 1..L-1; x_ppl =
    /// entropy(observer_logits, performer_logits), the mean over all L positions of -Σ p_observer log q_performer
    /// (the reference does not shift this term, so the last position, which predicts past the text, counts too);
    /// score = ppl / x_ppl. The reference masks x_ppl by input_ids != pad_token_id; this masks by the row's length,
    /// which is the same unless a text contains the pad token itself, and keeps a score independent of its batch.
    /// </summary>
    static double Binoculars(BatchLogits observer, BatchLogits performer, int row, IReadOnlyList<int> tokens)
    {
        var observerScratch = ArrayPool<float>.Shared.Rent(observer.Vocabulary);
        var performerScratch = ArrayPool<float>.Shared.Rent(performer.Vocabulary);
        try
        {
            double loss = 0, crossEntropy = 0;
            for (var t = 0; t < tokens.Count; t++)
            {
                var next = t + 1 < tokens.Count ? tokens[t + 1] : -1;
                var (ce, targetLoss) = TokenStatistics.CrossEntropy(observer.At(row, t, observerScratch), performer.At(row, t, performerScratch), next);
                crossEntropy += ce;
                if (next >= 0)
                {
                    loss += targetLoss;
                }
            }
            var ppl = loss / (tokens.Count - 1);
            var xppl = crossEntropy / tokens.Count;
            return xppl > 0 ? ppl / xppl : double.NaN;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(observerScratch);
            ArrayPool<float>.Shared.Return(performerScratch);
        }
    }

    public void Dispose()
    {
        _performer?.Dispose();
        _model.Dispose();
    }
}
