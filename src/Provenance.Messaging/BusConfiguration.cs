namespace Provenance.Messaging;

/// <summary>Queue names every Provenance host and client agrees on.</summary>
public static class BusConfiguration
{
    /// <summary>The queue the registry consumes <c>RegisterDocuments</c> from.</summary>
    public const string RegisterDocumentsQueue = "provenance-register-documents";

    /// <summary>The queue detector workers consume <c>ClassifyDocuments</c> from.</summary>
    public const string ClassifyDocumentsQueue = "provenance-classify-documents";

    /// <summary>The queue training jobs send <c>AssembleDataset</c> to.</summary>
    public const string AssembleDatasetQueue = "provenance-assemble-dataset";
}
