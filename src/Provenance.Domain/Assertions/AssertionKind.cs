namespace Provenance.Domain.Assertions;

/// <summary>
/// Who made an assertion. The numeric value is the kind's precedence: a curator's word beats a crawler's
/// declaration, which beats a detector's score (see <see cref="ProvenancePrecedence"/>).
/// </summary>
public enum AssertionKind
{
    /// <summary>An AI-text detector's verdict: evidence, never fact.</summary>
    Detector = 1,

    /// <summary>What the crawler or publisher declared when registering the document.</summary>
    Declared = 2,

    /// <summary>A person with the curator role.</summary>
    Curator = 3,
}
