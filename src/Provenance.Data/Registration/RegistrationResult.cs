using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;

namespace Provenance.Data.Registration;

public enum RegistrationStatus
{
    Created,
    Existing,
    Rejected,
}

/// <summary>Why an item was rejected; callers map it to an HTTP status or a rejection event.</summary>
public enum RejectionCode
{
    /// <summary>The item itself is malformed (empty text, unknown class, oversize...).</summary>
    Invalid,

    /// <summary>A parent named by id is not registered.</summary>
    UnknownParent,

    /// <summary>The lineage the item declares would make a document its own ancestor.</summary>
    Cycle,
}

/// <summary>What happened to one submitted item, in the order the items were sent.</summary>
public sealed record RegistrationResult(
    int Index,
    RegistrationStatus Status,
    long? Id = null,
    ContentHash? Hash = null,
    ProvenanceClass? Class = null,
    int? Depth = null,
    int PendingParents = 0,
    RejectionCode? Code = null,
    string? Reason = null)
{
    public static RegistrationResult Rejected(int index, RejectionCode code, string reason, ContentHash? hash = null) =>
        new(index, RegistrationStatus.Rejected, Hash: hash, Code: code, Reason: reason);
}
