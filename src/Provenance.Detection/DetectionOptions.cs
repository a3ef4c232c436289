using Provenance.Hosting.Settings;
using Provenance.Messaging;

namespace Provenance.Detection;

/// <summary>
/// The <c>Detection</c> section: who classifies the documents that arrive without a declared class, and how
/// <see cref="ClassifyDocumentsConsumer"/> gathers its requests. The API and the detector worker bind this one type.
/// </summary>
public sealed class DetectionOptions
{
    public const string Section = "Detection";

    /// <summary>
    /// The API runs the detector itself, consuming the classification requests on its in-process bus, so a registry
    /// started without a broker (deploy/scripts/run.sh) classifies from its first document. It costs the API the model
    /// (loaded at start, in under a second; about 75 MB). It only applies without a broker: with
    /// <c>ConnectionStrings:Broker</c> the API never runs the detector, whatever this says, and detector workers
    /// (src/Provenance.Worker) classify; they are how detection scales. The worker ignores the setting.
    /// </summary>
    public bool InProcess { get; set; } = true;

    /// <summary>
    /// Ask the detector to classify every new document whose class is unknown. Defaults to on whenever a detector can
    /// receive the requests: in the API's own process, or workers behind a broker.
    /// </summary>
    public bool? RequestClassification { get; set; }

    /// <summary>The queue <c>ClassifyDocuments</c> requests are sent to and consumed from.</summary>
    public string Queue { get; set; } = BusConfiguration.ClassifyDocumentsQueue;

    /// <summary>Requests taken from the queue into one scoring round.</summary>
    public int MaxMessagesPerBatch { get; set; } = 64;

    /// <summary>How long a partial round waits for more requests before scoring what it has.</summary>
    public int MaxWaitMilliseconds { get; set; } = 200;

    /// <summary>Documents scored and recorded in one transaction; larger rounds are split.</summary>
    public int MaxDocumentsPerBatch { get; set; } = 2048;

    // The broker hands over twice a round ahead (RabbitMQ's prefetch is at most 65,535).
    const int MostMessagesPerBatch = 10_000;
    const int LongestWaitMilliseconds = 60_000;
    const int MostDocumentsPerBatch = 100_000;

    /// <summary>Checked when a host starts (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(DetectionOptions options, SettingFailures failures)
    {
        failures.NotBlank(nameof(Queue), options.Queue, $"leave it out to use {BusConfiguration.ClassifyDocumentsQueue}, or name the queue the detector consumes");
        failures.Range(nameof(MaxMessagesPerBatch), options.MaxMessagesPerBatch, 1, MostMessagesPerBatch, "requests gathered into one scoring round");
        failures.Range(nameof(MaxWaitMilliseconds), options.MaxWaitMilliseconds, 1, LongestWaitMilliseconds, "how long a partial round waits");
        failures.Range(nameof(MaxDocumentsPerBatch), options.MaxDocumentsPerBatch, 1, MostDocumentsPerBatch, "documents scored and recorded in one transaction");
    }
}
