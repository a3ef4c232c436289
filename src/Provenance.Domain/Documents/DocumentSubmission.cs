using System.Text.Json;

namespace Provenance.Domain.Documents;

/// <summary>
/// One document as a client sent it, over HTTP or the bus, before validation. Class and relation names are
/// strings here so that one bad item in a batch is rejected with a reason instead of failing the whole batch.
/// </summary>
public sealed record DocumentSubmission(
    string? Text,
    string? SourceUri = null,
    DateTimeOffset? CrawledAt = null,
    string? Crawler = null,
    DeclaredProvenance? Declared = null,
    IReadOnlyList<ParentReference>? Parents = null,
    string? Language = null,
    string? Licence = null);

/// <summary>What the registrant says the document is.</summary>
/// <param name="Class">human, synthetic, mixed or unknown; may be left out when a digital source type implies it.</param>
/// <param name="Generator">name@version of the model that wrote it.</param>
/// <param name="DigitalSourceType">An IPTC digital source type code or URI.</param>
/// <param name="Confidence">0..1; how sure the registrant is.</param>
/// <param name="C2pa">A C2PA manifest store report of the text, read by <see cref="Assertions.C2paReport"/>.</param>
public sealed record DeclaredProvenance(
    string? Class = null,
    string? Generator = null,
    string? DigitalSourceType = null,
    double? Confidence = null,
    JsonElement? C2pa = null);

/// <summary>A parent of the document, by registry id or content hash, and how the document was derived from it.</summary>
public sealed record ParentReference(
    long? Id = null,
    string? ContentHash = null,
    string? Relation = null,
    string? Generator = null,
    string? ParamsHash = null);
