namespace Provenance.Contracts.Datasets;

/// <summary>
/// The answer to <see cref="AssembleDataset"/>: the version, or why none was made. <paramref name="ErrorCode"/> is the
/// same code the HTTP API gives (invalid_dataset_spec, unknown_base_version, infeasible_mix) and
/// <paramref name="Error"/> the explanation a person can act on.
/// </summary>
public record DatasetAssembled(Guid RequestId, bool Succeeded, DatasetVersionSummary? Version, string? ErrorCode, string? Error);
