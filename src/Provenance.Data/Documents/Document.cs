using Provenance.Domain.Assertions;

namespace Provenance.Data.Documents;

/// <summary>
/// A registered text, identified by the SHA-256 of its normalized form. Only metadata lives here; the text is in
/// <see cref="DocumentText"/> so that scans over millions of rows (stats, dataset selection) stay narrow.
/// </summary>
public sealed class Document
{
    public long Id { get; set; }

    /// <summary>SHA-256 of the normalized UTF-8 text (32 bytes).</summary>
    public byte[] ContentHash { get; set; } = [];

    /// <summary>Length in Unicode scalar values (what a person would call characters).</summary>
    public int CharCount { get; set; }

    /// <summary>Tokens under the o200k_base encoding, the unit training jobs budget in.</summary>
    public int TokenCount { get; set; }

    public string? Language { get; set; }
    public string? Licence { get; set; }
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }

    /// <summary>Derived from the assertions by <see cref="ProvenancePrecedence"/>; never written directly.</summary>
    public ProvenanceClass Class { get; set; }

    /// <summary>The generator named by the deciding assertion, when it names one.</summary>
    public int? GeneratorId { get; set; }

    /// <summary>
    /// The kind of the deciding assertion (null without assertions). A class only a detector vouches for is evidence,
    /// not provenance: dataset assembly counts such documents as unknown unless a spec admits them on detector scores.
    /// </summary>
    public AssertionKind? DecidedBy { get; set; }

    /// <summary>Generations from human text (see <c>GenerationDepth</c>); null when unknown.</summary>
    public int? Depth { get; set; }

    /// <summary>
    /// The document's random sample key for dataset assembly: the first 8 bytes of its content hash (see
    /// <c>SampleKey</c>). A generated column, so no writer can get it wrong.
    /// </summary>
    public long SampleKey { get; private set; }

    /// <summary>Host of the first sighting's URI (lowercase, without www.); null when no sighting had a URI.</summary>
    public string? SourceDomain { get; set; }
}
