using System.ComponentModel;
using System.Text.Json;

namespace Provenance.Contracts.Documents;

/// <summary>One document to register. The same text always gets the same id; registering it again adds a sighting.</summary>
/// <param name="Text">The document's text. It is normalized (NFC, LF line endings, trimmed) before hashing.</param>
/// <param name="SourceUri">Where the text was found: an http, https, ftp, s3 or gs URI (the JSONL files and the bus call it url).</param>
/// <param name="CrawledAt">When it was fetched (UTC); defaults to the time of registration.</param>
/// <param name="Language">BCP 47 language tag, such as en or de-CH.</param>
/// <param name="Licence">SPDX licence identifier, such as CC-BY-4.0; one line, no control characters.</param>
/// <param name="Declared">What the registrant says the document is.</param>
/// <param name="Parents">Documents this one was derived from.</param>
public sealed record RegisterDocumentRequest(
    string? Text,
    string? SourceUri = null,
    DateTimeOffset? CrawledAt = null,
    string? Language = null,
    string? Licence = null,
    DeclaredProvenanceRequest? Declared = null,
    IReadOnlyList<ParentReferenceRequest>? Parents = null);

/// <param name="Class">human, synthetic, mixed or unknown. May be omitted when DigitalSourceType or C2pa implies it.</param>
/// <param name="Generator">The model that wrote the text, as name@version (gpt-4o@2024-08-06).</param>
/// <param name="DigitalSourceType">IPTC digital source type code or URI, such as trainedAlgorithmicMedia.</param>
/// <param name="Confidence">How sure the registrant is, 0..1.</param>
/// <param name="C2pa">
/// A C2PA manifest store report of the text: the JSON object c2patool or a C2PA SDK's reader prints, with active_manifest
/// and manifests; 64 KiB and 32 levels of nesting at most. From the active manifest, the digitalSourceType of its
/// c2pa.actions gives the class, its claim generator the generator (of synthetic or mixed text), and its ingredients with
/// a hash (the SHA-256 of the parent's normalized text) the parents: parentOf and componentOf as edited_from, inputTo as
/// generated_from. The registry does not verify C2PA signatures: the parts it read and the report's validation_state,
/// validation_status and validation_results, as given, are kept as the declaration's evidence.
/// </param>
public sealed record DeclaredProvenanceRequest(
    [property: Description("human, synthetic, mixed or unknown")] string? Class = null,
    string? Generator = null,
    string? DigitalSourceType = null,
    double? Confidence = null,
    JsonElement? C2pa = null);

/// <summary>A parent, named by exactly one of <paramref name="Id"/> and <paramref name="ContentHash"/>.</summary>
/// <param name="Id">Registry id of the parent; it must be registered.</param>
/// <param name="ContentHash">SHA-256 of the parent's normalized text; the edge waits (pending) until that document is registered.</param>
/// <param name="Relation">generated_from, paraphrase_of, translation_of, summary_of, edited_from, distilled_from or augmented_from.</param>
/// <param name="Generator">The model that derived this document from the parent (defaults to the declared generator).</param>
/// <param name="ParamsHash">A hash of the prompt or generation parameters.</param>
public sealed record ParentReferenceRequest(
    long? Id = null,
    string? ContentHash = null,
    [property: Description("generated_from, paraphrase_of, translation_of, summary_of, edited_from, distilled_from or augmented_from")] string? Relation = null,
    string? Generator = null,
    string? ParamsHash = null);
