using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Provenance.Contracts.Datasets;
using Provenance.Data.Datasets;

namespace Provenance.Bench.Datasets;

/// <summary>The mix a benchmark assembles: its name, size and rules.</summary>
public sealed record MixRules(long Documents, double MinHumanShare, double MaxSyntheticShare, int? MaxDepth, double? MaxGeneratorShare)
{
    /// <summary>Every benchmark mix starts sampling from this seed's key.</summary>
    public const long Seed = 2024;

    public DatasetSpec Spec(string name) => new(name, Target: new DatasetTarget(Documents: Documents), MinHumanShare: MinHumanShare,
        MaxSyntheticShare: MaxSyntheticShare, MaxDepth: MaxDepth, MaxGeneratorShare: MaxGeneratorShare, Seed: Seed);
}

/// <summary>A version assembled through <see cref="DatasetAssembler"/>, the time it took, and its per-class counts.</summary>
public sealed record AssembledMix(AssemblyStored Stored, TimeSpan Elapsed, long Human, long Synthetic, long Mixed);

/// <summary>
/// Assembles a mix through the same service the API and the bus call, and draws the same per-class counts the naive
/// way (<c>ORDER BY random() LIMIT n</c>, a full scan and sort of each class), printing both with their ratio.
/// </summary>
public static class MixComparison
{
    public static DatasetAssembler Assembler(NpgsqlDataSource dataSource) =>
        new(dataSource, new DatasetQueries(dataSource), NullLogger<DatasetAssembler>.Instance);

    public static async Task<AssembledMix> AssembleAsync(NpgsqlDataSource dataSource, DatasetSpec spec, long registryDocuments, CancellationToken ct)
    {
        var assembler = Assembler(dataSource);
        // Warm-up, so that the timed assembly runs as in a registry that has served a few: a dry run of the whole spec
        // (the selection's hot loops reach optimized code only after many thousands of candidates; the first run in a
        // fresh process pays for that) and a small stored version (the writer's path). The dry run's time is printed.
        var cold = Stopwatch.StartNew();
        await assembler.PreviewAsync(spec, ct);
        Report.Line("assemble: warm-up dry run", "the same spec, first run in this process", $"{cold.Elapsed.TotalSeconds:N2} s",
            "selection and manifest while the JIT optimizes their hot loops (not stored)");
        await assembler.AssembleAsync(spec with { Dataset = spec.Dataset + "-warm-up", Target = new DatasetTarget(Documents: Math.Min(10_000, spec.Target?.Documents ?? 10_000)) },
            "bench", ct);
        var clock = Stopwatch.StartNew();
        var result = await assembler.AssembleAsync(spec, "bench", ct);
        var elapsed = clock.Elapsed;
        if (result is not AssemblyStored stored)
        {
            throw new InvalidOperationException($"the benchmark spec was refused: {((AssemblyRefused)result).Detail}");
        }
        var v = stored.Version;
        var t = stored.Timings;
        Report.Line("assemble: version", $"{v.Documents:N0} of {registryDocuments:N0} documents", $"{elapsed.TotalSeconds:N2} s",
            string.Create(CultureInfo.InvariantCulture, $"selection {t.Selection.TotalSeconds:N2} s ({t.CandidatesRead:N0} candidates read), manifest {t.Manifest.TotalSeconds:N2} s, write {t.Write.TotalSeconds:N2} s"));
        foreach (var phase in t.Phases ?? [])
        {
            Report.Line("  phase", phase.Name, $"{phase.Elapsed.TotalSeconds:N3} s",
                phase.Cpu is { } cpu ? $"{cpu.TotalSeconds:N3} s of this process's CPU" : "");
        }
        var byClass = v.Manifest.Stats.ByClass.ToDictionary(c => c.Class, c => c.Documents);
        Report.Line("assemble: composition", $"human {byClass["human"]:N0}, synthetic {byClass["synthetic"]:N0}, mixed {byClass["mixed"]:N0}",
            string.Create(CultureInfo.InvariantCulture, $"human {v.HumanShare:0.0%}"),
            string.Create(CultureInfo.InvariantCulture, $"{v.Manifest.CollapseRisk.GeneratorConcentration.Generators} generators, top {v.Manifest.CollapseRisk.GeneratorConcentration.TopShare:0.0%}; {v.ManifestHash[..23]}…"));
        return new AssembledMix(stored, elapsed, byClass["human"], byClass["synthetic"], byClass["mixed"]);
    }

    /// <summary>
    /// The baselines of <paramref name="mix"/> in the same run: the same per-class counts drawn with
    /// <c>ORDER BY random()</c> and read straight from the sample-key index without the mix rules, then the two ratios
    /// the selection is held to (a busy machine slows all of them).
    /// </summary>
    public static async Task CompareAsync(NpgsqlDataSource dataSource, AssembledMix mix, int? maxDepth, CancellationToken ct)
    {
        var naive = await NaiveSelectionAsync(dataSource, mix, maxDepth, ct);
        var keyed = await KeyedSelectionAsync(dataSource, mix, maxDepth, ct);
        Report.Line("keyed: index range reads only", "same per-class counts, from the seed's start key", $"{keyed.TotalSeconds:N2} s",
            string.Create(CultureInfo.InvariantCulture, $"ORDER BY random() takes {naive.TotalSeconds / keyed.TotalSeconds:N1}x as long"));
        var t = mix.Stored.Timings;
        Report.Line("ratio: selection / raw reads", $"{t.Selection.TotalSeconds:N2} s / {keyed.TotalSeconds:N2} s",
            string.Create(CultureInfo.InvariantCulture, $"{t.Selection.TotalSeconds / keyed.TotalSeconds:N2}x"), "the mix rules' cost over the index reads (goal: within 2x)");
        Report.Line("ratio: ORDER BY random() / assembly", $"{naive.TotalSeconds:N2} s / {mix.Elapsed.TotalSeconds:N2} s",
            string.Create(CultureInfo.InvariantCulture, $"{naive.TotalSeconds / mix.Elapsed.TotalSeconds:N2}x"),
            string.Create(CultureInfo.InvariantCulture, $"the whole assembly, stored (goal: at least 5x); selection alone {naive.TotalSeconds / t.Selection.TotalSeconds:N2}x"));
    }

    /// <summary>The same per-class counts as <paramref name="mix"/> read by sample-key index range scans only, from the seed's start key.</summary>
    static async Task<TimeSpan> KeyedSelectionAsync(NpgsqlDataSource dataSource, AssembledMix mix, int? maxDepth, CancellationToken ct)
    {
        var depth = maxDepth is null ? "" : " AND depth <= @max_depth";
        var clock = Stopwatch.StartNew();
        long rows = 0;
        foreach (var (cls, n) in new[] { ("human", mix.Human), ("synthetic", mix.Synthetic), ("mixed", mix.Mixed) })
        {
            var filter = cls == "human" ? "" : depth;
            await using var cmd = dataSource.CreateCommand($"""
                SELECT id, content_hash FROM (
                    (SELECT id, content_hash, sample_key FROM documents WHERE class = '{cls}' AND sample_key >= @k{filter} ORDER BY sample_key, id LIMIT @n)
                    UNION ALL
                    (SELECT id, content_hash, sample_key FROM documents WHERE class = '{cls}' AND sample_key < @k{filter} ORDER BY sample_key, id LIMIT @n)) x
                 LIMIT @n
                """);
            cmd.CommandTimeout = 0;
            cmd.Parameters.Add(new NpgsqlParameter<long>("k", Domain.Datasets.SampleKey.StartFor(MixRules.Seed)));
            cmd.Parameters.Add(new NpgsqlParameter<long>("n", n));
            cmd.Parameters.Add(new NpgsqlParameter<int>("max_depth", maxDepth ?? 0));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows++;
            }
        }
        var elapsed = clock.Elapsed;
        if (rows != mix.Human + mix.Synthetic + mix.Mixed)
        {
            throw new InvalidOperationException($"the keyed selection returned {rows:N0} rows, not {mix.Human + mix.Synthetic + mix.Mixed:N0}");
        }
        return elapsed;
    }

    /// <summary>The same per-class counts and depth filter as <paramref name="mix"/>, drawn with <c>ORDER BY random()</c>.</summary>
    static async Task<TimeSpan> NaiveSelectionAsync(NpgsqlDataSource dataSource, AssembledMix mix, int? maxDepth, CancellationToken ct)
    {
        var depth = maxDepth is null ? "" : " AND depth <= @max_depth";
        await using var cmd = dataSource.CreateCommand($"""
            (SELECT id, content_hash FROM documents WHERE class = 'human' ORDER BY random() LIMIT @h)
            UNION ALL
            (SELECT id, content_hash FROM documents WHERE class = 'synthetic'{depth} ORDER BY random() LIMIT @s)
            UNION ALL
            (SELECT id, content_hash FROM documents WHERE class = 'mixed'{depth} ORDER BY random() LIMIT @m)
            """);
        cmd.CommandTimeout = 0;
        cmd.Parameters.Add(new NpgsqlParameter<long>("h", mix.Human));
        cmd.Parameters.Add(new NpgsqlParameter<long>("s", mix.Synthetic));
        cmd.Parameters.Add(new NpgsqlParameter<long>("m", mix.Mixed));
        cmd.Parameters.Add(new NpgsqlParameter<int>("max_depth", maxDepth ?? 0));
        var clock = Stopwatch.StartNew();
        long rows = 0;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows++;
            }
        }
        var elapsed = clock.Elapsed;
        var expected = mix.Human + mix.Synthetic + mix.Mixed;
        if (rows != expected)
        {
            throw new InvalidOperationException($"the naive selection returned {rows:N0} rows, not {expected:N0}");
        }
        var t = mix.Stored.Timings;
        Report.Line("naive: ORDER BY random() LIMIT n", "same per-class counts and depth filter, no caps", $"{elapsed.TotalSeconds:N2} s",
            string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds / t.Selection.TotalSeconds:N1}x the keyed selection, {elapsed.TotalSeconds / mix.Elapsed.TotalSeconds:N1}x the whole assembly"));
        return elapsed;
    }
}
