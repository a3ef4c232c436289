namespace Provenance.Contracts.Detection;

/// <summary>
/// What the registry and the detector workers agree on about rescore requests. A rescore's <c>ClassifyDocuments</c>
/// messages carry, in a header, the model the documents were selected for, so a worker running another model can say
/// so instead of silently scoring with its own. A header, not a contract field: the command means the same either way.
/// </summary>
public static class RescoreRequest
{
    /// <summary>Header naming the model (name@version) a rescore selected documents for.</summary>
    public const string ModelHeader = "Provenance-Rescore-Model";
}
