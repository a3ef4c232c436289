namespace Provenance.Contracts.Ingestion;

/// <param name="Index">Position of the item in the batch.</param>
/// <param name="Code">invalid_document, unknown_parent or lineage_cycle.</param>
public record RejectedDocument(int Index, string? ContentHash, string Code, string Reason);
