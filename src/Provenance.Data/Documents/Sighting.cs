namespace Provenance.Data.Documents;

/// <summary>
/// One time a crawler saw a document at a URI. The same text at several URIs is one document with several
/// sightings; a repeated (document, URI, crawl time) is the same sighting, which makes redelivery harmless.
/// </summary>
public sealed class Sighting
{
    public long Id { get; set; }
    public long DocumentId { get; set; }
    public string? Uri { get; set; }
    public DateTimeOffset CrawledAt { get; set; }
    public string? Crawler { get; set; }
}
