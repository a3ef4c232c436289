namespace Provenance.Contracts.Ingestion;

/// <param name="Index">Position of the item in the batch.</param>
/// <param name="Created">False when the text was already registered and only a sighting was added.</param>
/// <param name="Depth">Generations from human text; null while unknown.</param>
public record RegisteredDocument(int Index, long Id, string ContentHash, string Class, int? Depth, bool Created);
