namespace Provenance.Contracts.Documents;

/// <summary>The outcome of registering one document.</summary>
/// <param name="Status">created, existing or rejected.</param>
/// <param name="Class">The document's current class after registration.</param>
/// <param name="Depth">Generations from human text; null while unknown.</param>
/// <param name="PendingParents">Parents named by content hash that are not registered yet.</param>
public sealed record RegisteredDocumentResponse(
    long Id,
    string ContentHash,
    string Class,
    int? Depth,
    string Status,
    int PendingParents);

/// <summary>One item of a batch answer, in request order.</summary>
/// <param name="Reason">Why the item was rejected; null otherwise.</param>
/// <param name="Code">
/// Why the item was rejected, for machines: invalid_document, unknown_parent or lineage_cycle (the code a bus
/// rejection and a single-document problem carry); null otherwise.
/// </param>
public sealed record BatchItemResponse(
    int Index,
    string Status,
    long? Id,
    string? ContentHash,
    string? Class,
    int? Depth,
    int PendingParents,
    string? Reason,
    string? Code = null);

public sealed record RegisterDocumentsResponse(
    int Created,
    int Existing,
    int Rejected,
    IReadOnlyList<BatchItemResponse> Results);
