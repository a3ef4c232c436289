namespace Provenance.Contracts.Documents;

/// <summary>A page of <c>GET /v1/documents?q=…</c>: the documents found, newest first.</summary>
/// <param name="Kind">What q was taken for: id, hash, url or text.</param>
/// <param name="Next">The cursor of the next page (pass it as cursor); null on the last page.</param>
public sealed record DocumentSearchResponse(string Query, string Kind, IReadOnlyList<DocumentSearchHit> Items, string? Next);

/// <param name="SourceUri">The URI of the document's first sighting (earliest crawl), when it had one.</param>
/// <param name="Snippet">For a text query, a fragment of the text around the match; otherwise the start of the text. Plain text.</param>
public sealed record DocumentSearchHit(long Id, string ContentHash, string Class, string? SourceUri, string Snippet);
