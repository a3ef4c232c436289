using Provenance.Detection.Hosting;
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

    // PostgreSQL stores no field over 1 GB.
    const int MostTextBytes = 1 << 30;
    const int MostParents = 10_000;
    const int MostBatchSize = 100_000;
    // A body is read into memory whole, and .NET strings and arrays stop at 2 GiB.
    const long MostRequestBytes = int.MaxValue;

    public SubmissionLimits ToLimits() => new() { MaxTextBytes = MaxTextBytes, MaxParents = MaxParents };

    /// <summary>Checked when the host starts (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(RegistryOptions options, SettingFailures failures)
    {
        failures.Range(nameof(MaxTextBytes), options.MaxTextBytes, 1, MostTextBytes, "largest document text, UTF-8 bytes");
        failures.Range(nameof(MaxParents), options.MaxParents, 0, MostParents, "most parents one document may name");
        failures.Range(nameof(MaxBatchSize), options.MaxBatchSize, 1, MostBatchSize, "most documents in one batch");
        failures.Range(nameof(MaxRequestBytes), options.MaxRequestBytes, 1024, MostRequestBytes, "largest request body, bytes");
    }
}
