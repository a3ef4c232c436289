namespace Provenance.Worker.Detection;

/// <summary>The <c>Detection</c> section: how the worker groups scoring requests.</summary>
public sealed class DetectionOptions
{
    public const string Section = "Detection";

    /// <summary>The queue the registry sends <c>ClassifyDocuments</c> to.</summary>
    public string Queue { get; set; } = Messaging.BusConfiguration.ClassifyDocumentsQueue;

    /// <summary>Requests taken from the queue into one scoring round.</summary>
    public int MaxMessagesPerBatch { get; set; } = 64;

    /// <summary>How long a partial round waits for more requests before scoring what it has.</summary>
    public int MaxWaitMilliseconds { get; set; } = 200;

    /// <summary>Documents scored and recorded in one transaction; larger rounds are split.</summary>
    public int MaxDocumentsPerBatch { get; set; } = 2048;
}
