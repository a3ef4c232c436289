namespace Provenance.Data.Documents;

/// <summary>
/// How many documents name each source domain: what a dataset version's source-coverage report compares the mix with,
/// read at the assembly's snapshot instead of counting every document (a scan of the whole registry that outlasted the
/// selection). Triggers on <c>documents</c> keep it (an insert statement adds its rows' domains, a domain set later
/// moves its document, a delete statement takes its rows' away), so every writer, COPY included, keeps it true in the
/// same transaction. A domain's count is spread over <see cref="Slot"/>s by the writing session, so that concurrent
/// registrations from one site do not queue on one row; its count is the sum over them.
/// </summary>
public sealed class DocumentDomainCount
{
    /// <summary>The source domain; the empty string stands for documents that name none.</summary>
    public string Domain { get; set; } = "";

    public short Slot { get; set; }

    /// <summary>This slot's share of the domain's documents (a slot can be negative: documents move between slots' domains).</summary>
    public long Documents { get; set; }
}
