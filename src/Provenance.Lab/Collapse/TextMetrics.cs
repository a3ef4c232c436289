namespace Provenance.Lab.Collapse;

/// <summary>Measures of a set of documents that need no model.</summary>
public static class TextMetrics
{
    /// <summary>
    /// Distinct-n (Li et al., 2016): distinct n-grams of tokens over all n-grams, across the documents. It falls as a
    /// model's output narrows to its most likely phrases.
    /// </summary>
    public static double DistinctN(IEnumerable<string> documents, int n)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var document in documents)
        {
            var tokens = WordTokenizer.Split(document);
            for (var i = 0; i + n <= tokens.Count; i++)
            {
                seen.Add(string.Join(' ', tokens.GetRange(i, n)));
                total++;
            }
        }
        return total == 0 ? double.NaN : (double)seen.Count / total;
    }
}
