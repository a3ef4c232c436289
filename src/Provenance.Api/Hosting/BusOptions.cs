using Provenance.Hosting.Settings;
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

    // RabbitMQ's prefetch count is a 16-bit number.
    const int MostPrefetch = ushort.MaxValue;
    const int MostConcurrentBatches = 1_000;

    /// <summary>Checked when the host starts (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(BusOptions options, SettingFailures failures)
    {
        failures.NotBlank(nameof(RegisterDocumentsQueue), options.RegisterDocumentsQueue, $"leave it out to use {BusConfiguration.RegisterDocumentsQueue}");
        failures.NotBlank(nameof(AssembleDatasetQueue), options.AssembleDatasetQueue, $"leave it out to use {BusConfiguration.AssembleDatasetQueue}");
        failures.Range(nameof(ConcurrentBatches), options.ConcurrentBatches, 1, MostConcurrentBatches, "batches one consumer processes at once");
        failures.Range(nameof(Prefetch), options.Prefetch, 1, MostPrefetch, "batches fetched ahead");
    }
}
