namespace Provenance.Lab.Tests.Collapse;

/// <summary>
/// A small made-up language for tests: a Zipf-distributed vocabulary in which every word has a few likely successors and
/// now and then jumps anywhere. Long-tailed like real text, so an n-gram model trained on a sample of it loses the tail
/// when it trains on its own output, and small enough that a lab run takes seconds.
/// </summary>
public static class GeneratedCorpus
{
    public static List<string> Documents(int count, int seed, int vocabulary = 1000, int successors = 4, double jump = 0.02)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(1, vocabulary).Select(rank => 1.0 / rank).ToArray();
        var total = weights.Sum();
        int Zipf()
        {
            var u = random.NextDouble() * total;
            for (var i = 0; i < weights.Length; i++)
            {
                u -= weights[i];
                if (u <= 0)
                {
                    return i;
                }
            }
            return weights.Length - 1;
        }
        var next = Enumerable.Range(0, vocabulary).Select(_ => Enumerable.Range(0, successors).Select(_ => Zipf()).ToArray()).ToArray();
        var documents = new List<string>(count);
        for (var d = 0; d < count; d++)
        {
            var length = random.Next(30, 90);
            var word = Zipf();
            var words = new List<string>(length);
            for (var i = 0; i < length; i++)
            {
                words.Add($"w{word}");
                var choices = next[word];
                word = random.NextDouble() < jump ? Zipf() : choices[(int)(Math.Pow(random.NextDouble(), 2) * choices.Length)];
            }
            documents.Add(string.Join(' ', words));
        }
        return documents;
    }
}
