namespace Provenance.Contracts.Detection;

/// <summary>Event: a detector worker recorded verdicts (after its transaction committed).</summary>
/// <param name="Model">The detector, as name@version.</param>
public record DocumentsClassified(string Model, IReadOnlyList<DocumentClassification> Documents);
