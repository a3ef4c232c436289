using Provenance.Domain.Documents;

namespace Provenance.Bench.Registry;

/// <summary>
/// New documents for the registration benchmarks: unique synthetic texts of a chosen size with a source URI, plain or
/// with declared provenance and lineage.
/// </summary>
public sealed class Submissions(int documentBytes, int seed = 1234)
{
    static readonly string[] Relations = ["paraphrase_of", "translation_of", "summary_of", "generated_from", "edited_from"];
    readonly SyntheticText _text = new(seed: 42);
    readonly Random _random = new(seed);
    long _nonce = DateTime.UtcNow.Ticks;

    public Random Random => _random;

    /// <summary>Documents without declared provenance or parents: what a crawler sends.</summary>
    public List<DocumentSubmission> Plain(int n) => Batch(n, 0, null);

    /// <summary>
    /// A batch of new documents: a share <paramref name="derivedShare"/> derive from one to three documents that
    /// <paramref name="parent"/> picks (like paraphrases, translations and summaries, 80% declared synthetic and 20%
    /// mixed, by one of five generators); the rest are declared human.
    /// </summary>
    public List<DocumentSubmission> Derived(int n, double derivedShare, Func<Random, long> parent) => Batch(n, derivedShare, parent);

    List<DocumentSubmission> Batch(int n, double derivedShare, Func<Random, long>? parent)
    {
        var batch = new List<DocumentSubmission>(n);
        for (var i = 0; i < n; i++)
        {
            var nonce = Interlocked.Increment(ref _nonce);
            var text = _text.Next(documentBytes, nonce);
            var uri = $"https://bench.example/{nonce}";
            if (parent is null || _random.NextDouble() >= derivedShare)
            {
                batch.Add(new DocumentSubmission(text, uri, Declared: parent is null ? null : new DeclaredProvenance("human")));
                continue;
            }
            var roll = _random.NextDouble();
            var count = roll < 0.70 ? 1 : roll < 0.95 ? 2 : 3;
            var parents = Enumerable.Range(0, count).Select(_ => parent(_random)).Distinct()
                .Select(id => new ParentReference(id, Relation: Relations[_random.Next(Relations.Length)])).ToList();
            batch.Add(new DocumentSubmission(text, uri,
                Declared: new DeclaredProvenance(_random.NextDouble() < 0.8 ? "synthetic" : "mixed", $"bench-model-{_random.Next(5)}@1"),
                Parents: parents));
        }
        return batch;
    }
}
