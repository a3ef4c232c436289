using Provenance.Messaging;

namespace Provenance.Api.Hosting;

/// <summary>The <c>Bus</c> configuration section: the queues and concurrency of the registry's consumers.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary>The queue <c>RegisterDocuments</c> is consumed from (tests give each host its own).</summary>
    public string RegisterDocumentsQueue { get; set; } = BusConfiguration.RegisterDocumentsQueue;

    /// <summary>The queue <c>AssembleDataset</c> is consumed from.</summary>
    public string AssembleDatasetQueue { get; set; } = BusConfiguration.AssembleDatasetQueue;

    /// <summary>Batches one consumer instance processes at once.</summary>
    public int ConcurrentBatches { get; set; } = 2;

    /// <summary>Batches fetched from the broker ahead of processing.</summary>
    public int Prefetch { get; set; } = 4;
}
