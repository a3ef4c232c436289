namespace Provenance.Contracts.Ingestion;

/// <summary>One crawled document of a <see cref="RegisterDocuments"/> batch.</summary>
/// <param name="CrawledAt">When the page was fetched. Part of the sighting's identity, so a re-sent batch adds no sighting.</param>
/// <param name="CrawlerId">Overrides the batch's crawler for this document.</param>
/// <param name="Declared">What the publisher or crawler says the document is.</param>
/// <param name="Parents">Documents this one was derived from, by registry id or content hash.</param>
public record IncomingDocument(
    string Text,
    string? Url,
    DateTimeOffset CrawledAt,
    string? CrawlerId = null,
    DeclaredProvenanceMessage? Declared = null,
    IReadOnlyList<ParentReferenceMessage>? Parents = null,
    string? Language = null,
    string? Licence = null);
