namespace Provenance.Contracts.Ingestion;

/// <summary>
/// Command: register a batch of crawled documents. Sent to the registry's <c>provenance-register-documents</c>
/// queue. Delivery is at least once and registration is idempotent, so a batch may be sent again with the same
/// <paramref name="BatchId"/> whenever its confirmation does not arrive.
/// </summary>
/// <param name="BatchId">Identifies the batch in the answers; stable across re-sends.</param>
/// <param name="CrawlerId">The crawler that sends the batch; recorded on sightings and declarations.</param>
public record RegisterDocuments(Guid BatchId, string CrawlerId, IReadOnlyList<IncomingDocument> Documents);
