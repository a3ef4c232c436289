namespace Provenance.Domain.Assertions;

/// <summary>The facts of one assertion that decide precedence.</summary>
/// <param name="Id">Registry id; it grows with insertion order and breaks ties between equal times.</param>
/// <param name="AssertedBy">Who asserted it; for a detector, its model as name@version.</param>
public readonly record struct AssertionFacts(long Id, AssertionKind Kind, ProvenanceClass Class, DateTimeOffset AssertedAt, string AssertedBy = "");

/// <summary>
/// Derives a document's current class from its append-only assertion history.
/// Rule: among the assertions that stand, curator over declared over detector; among detector assertions, a watermark
/// found (<see cref="IsWatermark"/>) over a statistical verdict; otherwise the newer assertion wins (later
/// <c>asserted_at</c>, then the higher id). No standing assertion means <see cref="ProvenanceClass.Unknown"/>.
/// Every assertion stands except two kinds of detector assertion: an abstention (class unknown), which claims
/// nothing and so never outranks anything, and a verdict that the same detector (same model name, any version) has
/// followed with a later assertion, abstentions included. A model's latest word replaces its own and its earlier
/// versions' verdicts, which is how a rescore with a new version withdraws the old version's mistakes.
/// </summary>
/// <remarks>
/// The registry applies the same rule in SQL (<c>DerivedState</c>) when it refreshes classes in bulk; the property
/// tests check that both agree.
/// </remarks>
public static class ProvenancePrecedence
{
    /// <summary>The assertion that decides the class, or null when none stands.</summary>
    public static AssertionFacts? Effective(IEnumerable<AssertionFacts> assertions)
    {
        var history = assertions as IReadOnlyCollection<AssertionFacts> ?? [.. assertions];
        AssertionFacts? best = null;
        foreach (var a in history)
        {
            if (Stands(a, history) && (best is null || Outranks(a, best.Value)))
            {
                best = a;
            }
        }
        return best;
    }

    /// <summary>The current class derived from <paramref name="assertions"/>.</summary>
    public static ProvenanceClass CurrentClass(IEnumerable<AssertionFacts> assertions) =>
        Effective(assertions)?.Class ?? ProvenanceClass.Unknown;

    /// <summary>Whether <paramref name="a"/> takes part in precedence at all (see the class remarks).</summary>
    public static bool Stands(AssertionFacts a, IEnumerable<AssertionFacts> history) =>
        a.Kind != AssertionKind.Detector
        || (a.Class != ProvenanceClass.Unknown
            && !history.Any(b => b.Kind == AssertionKind.Detector && ModelName(b.AssertedBy) == ModelName(a.AssertedBy) && Outranks(b, a)));

    /// <summary>True when <paramref name="a"/> takes precedence over <paramref name="b"/> (both standing).</summary>
    public static bool Outranks(AssertionFacts a, AssertionFacts b)
    {
        if (a.Kind != b.Kind)
        {
            return a.Kind > b.Kind;
        }
        if (IsWatermark(a) != IsWatermark(b))
        {
            return IsWatermark(a);
        }
        if (a.AssertedAt != b.AssertedAt)
        {
            return a.AssertedAt > b.AssertedAt;
        }
        return a.Id > b.Id;
    }

    /// <summary>What the asserter of a watermark found begins with (<c>watermark:kirchenbauer</c>).</summary>
    public const string WatermarkPrefix = "watermark:";

    /// <summary>
    /// A detector assertion that a generator's watermark was found. It outranks every statistical detector verdict, older
    /// or newer: a watermark found at the configured z (4: a one-sided p of 3 × 10⁻⁵ for text written without the key)
    /// is a test against the generator's secret key, where a classifier's score is a judgement that a rescore or a new
    /// model version may revise. Only curators and declarations outrank it. Watermark checks record positives only,
    /// so a watermark assertion never says "human".
    /// </summary>
    public static bool IsWatermark(AssertionFacts a) =>
        a.Kind == AssertionKind.Detector && a.AssertedBy.StartsWith(WatermarkPrefix, StringComparison.Ordinal);

    /// <summary>A detector's model without its version: everything before the last '@'.</summary>
    public static string ModelName(string assertedBy)
    {
        var at = assertedBy.LastIndexOf('@');
        return at >= 0 ? assertedBy[..at] : assertedBy;
    }
}
