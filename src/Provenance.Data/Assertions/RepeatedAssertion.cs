using System.Globalization;

namespace Provenance.Data.Assertions;

/// <summary>
/// When an assertion only repeats what its asserter already said, and is not appended: the same asserter's latest
/// assertion of the same kind on the document has the same class and generator, and the same confidence at the
/// stored precision (6 decimals; values a hair either side of a rounding boundary are one unit apart, so one unit
/// still counts as the same). The evidence is not compared: it backs the verdict, and its raw floats carry digits
/// below what any reader acts on. Redelivered messages, periodic re-crawls and repeated scoring requests would
/// otherwise grow the history without saying anything new.
/// </summary>
/// <remarks>
/// One definition for every writer of assertions: <see cref="AssertionWriter"/> (with
/// <see cref="NewAssertion.SkipIfRepeated"/>) and the registration writer's declarations.
/// </remarks>
internal static class RepeatedAssertion
{
    /// <summary>How far apart, in units of the sixth decimal, two confidences may be and still repeat each other.</summary>
    const double ConfidenceUnits = 1.5;

    static readonly string Tolerance = (ConfidenceUnits / 1e6).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A SQL condition, true when the assertion described by the arguments (SQL expressions) is a repeat.</summary>
    /// <param name="documentId">The document's id.</param>
    /// <param name="kind">An <c>assertion_kind</c>.</param>
    /// <param name="assertedBy">Who asserts it.</param>
    /// <param name="cls">A <c>provenance_class</c>.</param>
    /// <param name="confidence">The confidence, or NULL.</param>
    /// <param name="generatorId">The generator's id, or NULL.</param>
    public static string Sql(string documentId, string kind, string assertedBy, string cls, string confidence, string generatorId) => $"""
        EXISTS (
            SELECT 1
              FROM (SELECT a.class, a.confidence, a.generator_id FROM assertions a
                     WHERE a.document_id = {documentId} AND a.kind = {kind} AND a.asserted_by = {assertedBy}
                     ORDER BY a.asserted_at DESC, a.id DESC LIMIT 1) l
             WHERE l.class = {cls} AND l.generator_id IS NOT DISTINCT FROM {generatorId}
               AND (l.confidence IS NULL AND {confidence} IS NULL OR abs(l.confidence - {confidence}) <= {Tolerance}))
        """;
}
