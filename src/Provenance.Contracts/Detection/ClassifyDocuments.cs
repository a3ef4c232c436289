namespace Provenance.Contracts.Detection;

/// <summary>
/// Command to the detector workers (queue <c>provenance-classify-documents</c>): score these documents and record the
/// verdicts as detector assertions. The registry sends it for every registered document whose class is unknown, and
/// on request for older verdicts to be rescored. Workers read the texts from the registry, so it carries only ids.
/// </summary>
public record ClassifyDocuments(Guid RequestId, IReadOnlyList<long> DocumentIds);
