namespace Provenance.Contracts.Ingestion;

/// <param name="Class">human, synthetic, mixed or unknown; may be omitted when DigitalSourceType implies it.</param>
/// <param name="Generator">name@version of the model that wrote the text.</param>
/// <param name="DigitalSourceType">IPTC digital source type code or URI, such as trainedAlgorithmicMedia.</param>
public record DeclaredProvenanceMessage(string? Class = null, string? Generator = null, string? DigitalSourceType = null, double? Confidence = null);
