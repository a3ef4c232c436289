namespace Provenance.Contracts.Datasets;

/// <summary>A stored, immutable dataset version and its manifest (without the document list).</summary>
/// <param name="Id">Registry id of the version.</param>
/// <param name="Ref">name@N, how people name the version.</param>
/// <param name="ManifestHash">sha256:… of the canonical manifest (GET …/manifest returns those exact bytes).</param>
/// <param name="Status">From POST: created, or existing when the same spec on the same registry had already produced this
/// manifest (or the same bus request this version). From GET: stored.</param>
/// <param name="Base">The base version as name@N, or null.</param>
public sealed record DatasetVersionResponse(
    long Id,
    string Dataset,
    int Version,
    string Ref,
    string ManifestHash,
    string Status,
    long Documents,
    long Tokens,
    double HumanShare,
    string? Base,
    DateTimeOffset CreatedAt,
    string RequestedBy,
    DatasetManifest Manifest);

/// <summary>What <c>POST /v1/datasets?dryRun=true</c> would assemble; nothing is stored.</summary>
public sealed record DatasetPreviewResponse(string ManifestHash, long Documents, long Tokens, DatasetManifest Manifest);

/// <summary>One version, without its manifest: for lists and chains.</summary>
public sealed record DatasetVersionSummary(
    long Id,
    string Dataset,
    int Version,
    string Ref,
    string ManifestHash,
    long Documents,
    long Tokens,
    double HumanShare,
    string? Base,
    DateTimeOffset CreatedAt,
    string RequestedBy);

/// <summary>A dataset and its versions, oldest first.</summary>
public sealed record DatasetResponse(string Name, DateTimeOffset CreatedAt, IReadOnlyList<DatasetVersionSummary> Versions);

/// <summary>One line of <c>GET /v1/datasets/{ref}/documents</c> (NDJSON) and one row of an export.</summary>
/// <param name="Offset">Position in the version, from 0; resume a stream with ?offset= the next one.</param>
/// <param name="Class">The registry's class when the version was assembled.</param>
/// <param name="CountedAs">The class the version's shares count it as (differs for documents of unknown provenance admitted on detector scores).</param>
/// <param name="Text">The normalized text; left out with ?text=false.</param>
public sealed record DatasetDocument(
    long Offset,
    long Id,
    string ContentHash,
    string Class,
    string CountedAs,
    string? Generator,
    int? Depth,
    int Tokens,
    string? Language,
    string? Licence,
    string? SourceDomain,
    string? Text);
