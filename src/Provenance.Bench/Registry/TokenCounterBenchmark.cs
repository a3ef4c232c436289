using System.Diagnostics;
using System.Text;
using Microsoft.ML.Tokenizers;
using Provenance.Text.Tokens;

namespace Provenance.Bench.Registry;

/// <summary>
/// Throughput of the registry's token counter against the library call it replaced
/// (<c>TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens</c>), on the same texts, single-threaded or
/// with <c>Parallel.For</c>. MB are 10^6 bytes of UTF-8.
/// </summary>
/// <param name="LibraryMegabytesPerSecond">The library, after a warm-up pass (JIT and its own 8,192-piece cache).</param>
/// <param name="FirstPassMegabytesPerSecond">A new counter's first pass: every piece is new to its cache, as for a
/// stream of fresh documents early in a process.</param>
/// <param name="WarmMegabytesPerSecond">The same counter on a later pass, the steady state of a long-running ingest.</param>
public sealed record TokenCounterBenchmarkResult(
    int Texts,
    double Megabytes,
    int Threads,
    double LibraryMegabytesPerSecond,
    double FirstPassMegabytesPerSecond,
    double WarmMegabytesPerSecond)
{
    public double FirstPassSpeedup => FirstPassMegabytesPerSecond / LibraryMegabytesPerSecond;
    public double WarmSpeedup => WarmMegabytesPerSecond / LibraryMegabytesPerSecond;
}

public static class TokenCounterBenchmark
{
    /// <summary>Times both over <paramref name="texts"/>, best of <paramref name="rounds"/>, and checks they agree.</summary>
    public static TokenCounterBenchmarkResult Run(IReadOnlyList<string> texts, int threads = 1, int rounds = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var megabytes = texts.Sum(text => (double)Encoding.UTF8.GetByteCount(text)) / 1e6;
        var library = TiktokenTokenizer.CreateForEncoding("o200k_base");
        var ranks = BytePairRanks.Load();

        var expected = Total(texts, threads, text => library.CountTokens(text));
        var libraryRate = Enumerable.Range(0, rounds).Max(_ => megabytes / Time(() => Total(texts, threads, text => library.CountTokens(text))));

        // A throwaway counter gets the code through tiered compilation, so the first pass measures a cold cache,
        // not the JIT.
        var warmUp = new O200kTokenCounter(TiktokenTokenizer.CreateForEncoding("o200k_base"), ranks);
        Total(texts, threads, warmUp.Count);
        Total(texts, threads, warmUp.Count);
        var counter = new O200kTokenCounter(TiktokenTokenizer.CreateForEncoding("o200k_base"), ranks);
        long counted = 0;
        var firstPassRate = megabytes / Time(() => counted = Total(texts, threads, counter.Count));
        var warmRate = Enumerable.Range(0, rounds).Max(_ => megabytes / Time(() => counted = Total(texts, threads, counter.Count)));

        if (counted != expected)
        {
            throw new InvalidOperationException($"The counter found {counted:N0} tokens where the library found {expected:N0}.");
        }
        return new TokenCounterBenchmarkResult(texts.Count, megabytes, threads, libraryRate, firstPassRate, warmRate);
    }

    /// <summary>
    /// Shapes of one unbroken run that the pre-tokenizer keeps as a single piece (or splits into many): byte-pair
    /// merging such a piece naively is quadratic in its length, so each is timed at several sizes.
    /// </summary>
    public static readonly IReadOnlyList<(string Shape, string Unit)> RunShapes =
    [
        ("one letter", "a"), ("capital letter", "A"), ("spaces", " "), ("two-letter pattern", "ab"), ("digits", "7"), ("CJK", "中"),
        ("tabs and spaces", "\t "), ("line breaks", "\n"), ("emoji", "😀"), ("lone surrogates", "\uD800"), ("special tokens", "<|endoftext|>"),
    ];

    /// <summary>Seconds <see cref="TokenCounter.Count"/> takes on <paramref name="unit"/> repeated to <paramref name="kib"/> KiB of UTF-8.</summary>
    public static (double Seconds, int Tokens) TimeRun(string unit, int kib)
    {
        var text = new StringBuilder().Insert(0, unit, Math.Max(1, kib * 1024 / Encoding.UTF8.GetByteCount(unit))).ToString();
        TokenCounter.Count("warm up");
        var stopwatch = Stopwatch.StartNew();
        var tokens = TokenCounter.Count(text);
        return (stopwatch.Elapsed.TotalSeconds, tokens);
    }

    static long Total(IReadOnlyList<string> texts, int threads, Func<string, int> count)
    {
        if (threads == 1)
        {
            long sum = 0;
            foreach (var text in texts)
            {
                sum += count(text);
            }
            return sum;
        }

        long total = 0;
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => 0L, (i, _, sum) => sum + count(texts[i]), sum => Interlocked.Add(ref total, sum));
        return total;
    }

    static double Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed.TotalSeconds;
    }
}
