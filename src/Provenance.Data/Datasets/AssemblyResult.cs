using Provenance.Contracts.Datasets;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>What an assembly request came to.</summary>
public abstract record AssemblyResult;

/// <param name="Created">False when the same spec on the same registry had already produced this version (or the same bus request had).</param>
public sealed record AssemblyStored(DatasetVersionResponse Version, bool Created, AssemblyTimings Timings) : AssemblyResult;

public sealed record AssemblyPreviewed(DatasetPreviewResponse Preview, AssemblyTimings Timings) : AssemblyResult;

/// <summary>Nothing was written. <paramref name="Code"/> is the problem code; <paramref name="Detail"/> says what to change.</summary>
public sealed record AssemblyRefused(string Code, string Detail, IReadOnlyList<MixShortfall> Shortfalls) : AssemblyResult
{
    public const string InvalidSpec = "invalid_dataset_spec";
    public const string UnknownBase = "unknown_base_version";
    public const string Infeasible = "infeasible_mix";
}

/// <param name="Selection">Reading the snapshot and choosing the documents.</param>
/// <param name="Manifest">Statistics, report, canonical manifest and its hash.</param>
/// <param name="Write">Storing the version and its document list.</param>
/// <param name="CandidatesRead">Candidate documents read from the index (base excluded).</param>
/// <param name="Phases">The three, phase by phase.</param>
public sealed record AssemblyTimings(TimeSpan Selection, TimeSpan Manifest, TimeSpan Write, long CandidatesRead, IReadOnlyList<AssemblyPhase>? Phases = null)
{
    public TimeSpan Total => Selection + Manifest + Write;
}
