using System.Text.Json;

namespace Provenance.Contracts.Ingestion;

/// <param name="Class">human, synthetic, mixed or unknown; may be omitted when DigitalSourceType or C2pa implies it.</param>
/// <param name="Generator">name@version of the model that wrote the text.</param>
/// <param name="DigitalSourceType">IPTC digital source type code or URI, such as trainedAlgorithmicMedia.</param>
/// <param name="C2pa">A C2PA manifest store report of the text, as c2patool prints it; read as over HTTP (see RegisterDocumentRequest).</param>
public record DeclaredProvenanceMessage(string? Class = null, string? Generator = null, string? DigitalSourceType = null, double? Confidence = null,
    JsonElement? C2pa = null);
