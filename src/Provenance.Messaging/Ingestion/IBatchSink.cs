using Provenance.Contracts.Ingestion;

namespace Provenance.Messaging.Ingestion;

/// <summary>Where batches go: over the bus (<see cref="BusBatchSink"/>) or, without a broker, the HTTP batch endpoint.</summary>
public interface IBatchSink : IAsyncDisposable
{
    /// <summary>Sends <paramref name="batch"/> until the registry confirms it, and returns the registry's answer.</summary>
    Task<BatchConfirmation> SendAsync(RegisterDocuments batch, CancellationToken ct);

    /// <summary>Times a batch had to be sent again because its confirmation did not arrive in time.</summary>
    int Resent { get; }
}

/// <summary>The registry's answer to one batch.</summary>
public sealed record BatchConfirmation(int Created, int Existing, IReadOnlyList<RejectedDocument> Rejected);
