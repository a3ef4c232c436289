using Provenance.Domain.Documents;

namespace Provenance.Api.Hosting;

/// <summary>The <c>Registry</c> configuration section.</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>Largest document text in UTF-8 bytes after normalization.</summary>
    public int MaxTextBytes { get; set; } = 1024 * 1024;

    public int MaxParents { get; set; } = 100;

    /// <summary>Most documents in one <c>POST /v1/documents/batch</c>.</summary>
    public int MaxBatchSize { get; set; } = 10_000;

    /// <summary>Largest request body Kestrel accepts, in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 256L * 1024 * 1024;

    public SubmissionLimits ToLimits() => new() { MaxTextBytes = MaxTextBytes, MaxParents = MaxParents };
}
