namespace Provenance.Contracts.Datasets;

/// <summary>
/// A training job asks for a dataset version. Consumers call the same assembler as <c>POST /v1/datasets</c>;
/// a redelivered message with the same <paramref name="RequestId"/> returns the version the first delivery made.
/// </summary>
/// <param name="RequestedBy">The key or job name recorded on the version.</param>
public record AssembleDataset(Guid RequestId, DatasetSpec Spec, string RequestedBy);
