namespace Provenance.Data.Documents;

/// <summary>
/// A change to how many documents name a source domain: what a dataset version's source-coverage report compares the
/// mix with, read at the assembly's snapshot as the sum of these rows instead of a count of every document (a scan of
/// the whole registry that outlasted the selection beside it). Triggers on <c>documents</c> append the rows in the
/// transaction of the change (an insert or delete statement a row per domain it touched; a later sighting that gives a
/// document its first domain, two), so every writer, COPY included, keeps them true; they only ever insert, so
/// writers never wait on each other here. <see cref="DomainCounts.CompactAsync"/> folds them into a row per domain.
/// </summary>
public sealed class DocumentDomainCount
{
    public long Id { get; set; }

    /// <summary>The source domain; the empty string stands for documents that name none.</summary>
    public string Domain { get; set; } = "";

    /// <summary>Documents added (or, when negative, taken away) for the domain.</summary>
    public long Documents { get; set; }
}
