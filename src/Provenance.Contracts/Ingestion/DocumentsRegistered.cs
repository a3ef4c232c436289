namespace Provenance.Contracts.Ingestion;

/// <summary>
/// Event: a batch was committed. Published for every processed batch (even when every item was rejected), after
/// the commit, and sent to the batch's response address when it has one. Redelivery can repeat it.
/// </summary>
/// <param name="Rejected">How many items were rejected; their reasons follow in <see cref="DocumentsRejected"/>.</param>
public record DocumentsRegistered(Guid BatchId, IReadOnlyList<RegisteredDocument> Documents, int Created, int Existing, int Rejected);
