namespace Provenance.Detector.Features;

/// <summary>
/// Naive-Bayes log-count ratios of hashed n-grams, log P(n-gram | machine-or-mixed) - log P(n-gram | human)
/// (Wang and Manning 2012's NBSVM features). Their mean over a document is a smoothed, out-of-fold estimate of
/// what the n-gram bag says, which the classifier can weigh against the language-model statistics.
/// </summary>
internal sealed class NgramLogRatioCounts(int buckets)
{
    // Add-alpha smoothing: an n-gram seen once in one class must not get an extreme ratio.
    const double Alpha = 1.0;

    readonly long[] _machine = new long[buckets];
    readonly long[] _human = new long[buckets];
    long _machineTotal;
    long _humanTotal;

    public void Add(ReadOnlySpan<int> ids, bool isMachine)
    {
        var counts = isMachine ? _machine : _human;
        foreach (var id in ids)
        {
            counts[id]++;
        }
        if (isMachine)
        {
            _machineTotal += ids.Length;
        }
        else
        {
            _humanTotal += ids.Length;
        }
    }

    /// <summary>Counts of this set minus <paramref name="fold"/>: the model for cross-fitting that fold.</summary>
    public float[] BuildExcluding(NgramLogRatioCounts? fold)
    {
        var table = new float[_machine.Length];
        var m = _machineTotal - (fold?._machineTotal ?? 0) + Alpha * _machine.Length;
        var h = _humanTotal - (fold?._humanTotal ?? 0) + Alpha * _human.Length;
        for (var i = 0; i < table.Length; i++)
        {
            var cm = _machine[i] - (fold?._machine[i] ?? 0) + Alpha;
            var ch = _human[i] - (fold?._human[i] ?? 0) + Alpha;
            table[i] = (float)(Math.Log(cm / m) - Math.Log(ch / h));
        }
        return table;
    }
}

/// <summary>Per-document mean and spread of the n-gram log ratios; the graph computes the same (see DetectorGraph).</summary>
internal static class NgramLogRatioStatistics
{
    public static readonly string[] Names = ["nb_mean_log_ratio", "nb_std_log_ratio"];

    public static int Count => Names.Length;

    public static void Compute(float[] table, ReadOnlySpan<int> ids, Span<float> output)
    {
        float sum = 0, squares = 0;
        foreach (var id in ids)
        {
            var r = table[id];
            sum += r;
            squares += r * r;
        }
        var weight = ids.Length == 0 ? 0f : 1f / ids.Length;
        var mean = sum * weight;
        output[0] = mean;
        output[1] = MathF.Sqrt(MathF.Max(squares * weight - mean * mean, 0) + LanguageModelStatistics.StdEpsilon);
    }
}
