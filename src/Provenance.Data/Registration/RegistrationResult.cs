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

public static class RejectionCodes
{
    /// <summary>
    /// The stable code of a rejected item: the same in a batch answer, a problem, a bus rejection and the
    /// <c>code</c> label of the rejection metric.
    /// </summary>
    public static string WireName(RejectionCode? code) => code switch
    {
        RejectionCode.UnknownParent => "unknown_parent",
        RejectionCode.Cycle => "lineage_cycle",
        _ => "invalid_document",
    };
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
