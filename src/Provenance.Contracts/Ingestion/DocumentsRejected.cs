namespace Provenance.Contracts.Ingestion;

/// <summary>Event: items of a batch that were not registered, each with its reason. Nothing of them was written.</summary>
public record DocumentsRejected(Guid BatchId, IReadOnlyList<RejectedDocument> Documents);
