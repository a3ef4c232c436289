namespace Provenance.Domain.Assertions;

/// <summary>The facts of one assertion that decide precedence.</summary>
/// <param name="Id">Registry id; it grows with insertion order and breaks ties between equal times.</param>
public readonly record struct AssertionFacts(long Id, AssertionKind Kind, ProvenanceClass Class, DateTimeOffset AssertedAt);

/// <summary>
/// Derives a document's current class from its append-only assertion history.
/// Rule: curator over declared over detector; within a kind the newer assertion wins
/// (later <c>asserted_at</c>, then the higher id). No assertion means <see cref="ProvenanceClass.Unknown"/>.
/// </summary>
/// <remarks>
/// The registry applies the same ordering in SQL (<c>ORDER BY kind DESC, asserted_at DESC, id DESC</c>) when it
/// refreshes classes in bulk; the property tests check that both agree.
/// </remarks>
public static class ProvenancePrecedence
{
    /// <summary>The assertion that decides the class, or null when there is none.</summary>
    public static AssertionFacts? Effective(IEnumerable<AssertionFacts> assertions)
    {
        AssertionFacts? best = null;
        foreach (var a in assertions)
        {
            if (best is null || Outranks(a, best.Value))
            {
                best = a;
            }
        }
        return best;
    }

    /// <summary>The current class derived from <paramref name="assertions"/>.</summary>
    public static ProvenanceClass CurrentClass(IEnumerable<AssertionFacts> assertions) =>
        Effective(assertions)?.Class ?? ProvenanceClass.Unknown;

    /// <summary>True when <paramref name="a"/> takes precedence over <paramref name="b"/>.</summary>
    public static bool Outranks(AssertionFacts a, AssertionFacts b)
    {
        if (a.Kind != b.Kind)
        {
            return a.Kind > b.Kind;
        }
        if (a.AssertedAt != b.AssertedAt)
        {
            return a.AssertedAt > b.AssertedAt;
        }
        return a.Id > b.Id;
    }
}
