namespace Provenance.Detector.Scoring;

/// <summary>
/// Groups documents of similar length into batches. A batch is padded to its longest document, so sorting by
/// length first keeps padding (wasted lookups and memory) small without changing any score.
/// </summary>
public static class LengthBatcher
{
    /// <summary>Index groups of at most <paramref name="maxBatch"/> items, shortest first; every index appears once.</summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        // OrderBy is stable: equal lengths keep input order, so batches are reproducible.
        var stable = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToArray();
        var batches = new List<int[]>((stable.Length + maxBatch - 1) / maxBatch);
        for (var start = 0; start < stable.Length; start += maxBatch)
        {
            batches.Add(stable[start..Math.Min(stable.Length, start + maxBatch)]);
        }
        return batches;
    }
}
