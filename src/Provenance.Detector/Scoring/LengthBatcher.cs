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

    /// <summary>
    /// As <see cref="Plan(IReadOnlyList{int}, int)"/>, and also no batch holds more than <paramref name="maxPaddedTokens"/>
    /// padded tokens (rows × its longest row): what a model's per-token output (a language model's logits) costs grows
    /// with that product, not with the row count. A row longer than the budget on its own still gets a batch of one.
    /// </summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int maxBatch, long maxPaddedTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPaddedTokens, 1);
        var stable = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToArray();
        var batches = new List<int[]>();
        var start = 0;
        while (start < stable.Length)
        {
            // Shortest first, so the row being added is the longest so far and sets the padded width.
            var end = start + 1;
            while (end < stable.Length && end - start < maxBatch && (long)(end - start + 1) * Math.Max(1, lengths[stable[end]]) <= maxPaddedTokens)
            {
                end++;
            }
            batches.Add(stable[start..end]);
            start = end;
        }
        return batches;
    }
}
