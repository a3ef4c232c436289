namespace Provenance.Contracts.Ingestion;

/// <summary>A parent named by exactly one of <paramref name="Id"/> and <paramref name="ContentHash"/>.</summary>
/// <param name="Relation">generated_from, paraphrase_of, translation_of, summary_of, edited_from, distilled_from or augmented_from.</param>
public record ParentReferenceMessage(long? Id, string? ContentHash, string Relation, string? Generator = null, string? ParamsHash = null);
