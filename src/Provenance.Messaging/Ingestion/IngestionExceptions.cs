namespace Provenance.Messaging.Ingestion;

/// <summary>
/// Thrown by the registry's consumer for a batch that no retry can make valid (no batch id, no or an unstorable crawler
/// id, too many documents or too much text). The batch goes to the error queue, and a crawler that sent it with a fault
/// address is told why (<see cref="BusBatchSink"/> fails it with <see cref="BatchRefusedException"/>).
/// </summary>
public sealed class InvalidBatchException(string message) : Exception(message);

/// <summary>The registry refused a batch as a whole; <see cref="Reason"/> says why. Sending it again would not help.</summary>
public sealed class BatchRefusedException(string message, string reason) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>The broker did not take a batch within the sink's broker timeout.</summary>
public sealed class BrokerUnreachableException(string message, Exception inner) : Exception(message, inner);
