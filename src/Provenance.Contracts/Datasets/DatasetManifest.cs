namespace Provenance.Contracts.Datasets;

/// <summary>
/// A dataset version's manifest without its document list: the spec as applied, the base, statistics and the
/// collapse-risk report. The full manifest (<c>GET /v1/datasets/{ref}/manifest</c>) is this object serialized
/// canonically with a last member, <c>documents</c>: <c>[[id, "sha256 hex"], …]</c> in version order. Its SHA-256 is the
/// manifest hash.
/// </summary>
/// <param name="Format">The manifest format, <c>provenance.dataset-manifest/1</c>.</param>
public sealed record DatasetManifest(
    string Format,
    string Dataset,
    DatasetSpec Spec,
    DatasetBaseReference? Base,
    DatasetStats Stats,
    CollapseRisk CollapseRisk);

/// <summary>The version a version accumulates on.</summary>
public sealed record DatasetBaseReference(long Id, string Dataset, int Version, string ManifestHash);

/// <summary>Counts of the whole version (base included), in documents and tokens.</summary>
/// <param name="Unit">What the spec's target and shares are measured in: documents or tokens.</param>
/// <param name="ByClass">By the class each document counts as (human, synthetic, mixed, unknown).</param>
/// <param name="ByGenerator">Model-written documents by generator; generator null = model-written text that names none.</param>
/// <param name="ByDepth">By generation depth; depth null = unknown.</param>
public sealed record DatasetStats(
    string Unit,
    long Documents,
    long Tokens,
    IReadOnlyList<ClassTally> ByClass,
    IReadOnlyList<GeneratorTally> ByGenerator,
    SourceTallies BySource,
    IReadOnlyList<DepthTally> ByDepth);

public sealed record ClassTally(string Class, long Documents, long Tokens);

public sealed record GeneratorTally(string? Generator, long Documents, long Tokens);

/// <param name="Distinct">Source domains in the version.</param>
/// <param name="Top">The largest source domains (domain null = documents without one); the rest are summed in Other*.</param>
public sealed record SourceTallies(int Distinct, IReadOnlyList<SourceTally> Top, long OtherDocuments, long OtherTokens);

public sealed record SourceTally(string? Domain, long Documents, long Tokens);

public sealed record DepthTally(int? Depth, long Documents, long Tokens);
