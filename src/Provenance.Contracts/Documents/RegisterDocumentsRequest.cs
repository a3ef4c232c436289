namespace Provenance.Contracts.Documents;

/// <summary>A batch of documents. Valid items are committed even when others are rejected.</summary>
public sealed record RegisterDocumentsRequest(IReadOnlyList<RegisterDocumentRequest?>? Documents);
