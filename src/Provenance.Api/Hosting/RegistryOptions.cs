using Provenance.Domain.Documents;
using Provenance.Hosting.Settings;

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

    /// <summary>
    /// Largest body of <c>POST /v1/documents/batch</c> in bytes, and most text in one bus batch. 64 MiB holds the
    /// benchmark's 10,000 documents of ~1 KB six times over while bounding what one request can make the API hold.
    /// </summary>
    public long MaxBatchBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// A request whose body may be larger than this (its Content-Length, or the endpoint's limit when it is sent
    /// chunked) is large: it waits for one of <see cref="MaxConcurrentLargeRequests"/> places.
    /// </summary>
    public long LargeRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Large requests worked on at once. A batch at the limit holds several times its size while it is parsed and
    /// normalized, so two bound that to a few hundred MiB; the bus consumer works on two batches at once too.
    /// </summary>
    public int MaxConcurrentLargeRequests { get; set; } = 2;

    /// <summary>
    /// Large requests that may wait for a place; beyond it they get 503. A waiting request's body is not read, so a
    /// place in the queue costs no more than the server's read buffer (1 MiB); 16 lets the CLI's 4 batches in flight
    /// from a few crawlers wait instead of fail.
    /// </summary>
    public int LargeRequestQueue { get; set; } = 16;

    /// <summary>
    /// Statement timeout of a text search (<c>GET /v1/documents?q=</c>). A few very common words can match most of
    /// the registry; past this the search answers 422 and asks for a narrower query instead of holding a connection.
    /// </summary>
    public int SearchTimeoutMilliseconds { get; set; } = 5_000;

    // A document's body may be six times its text (escaped JSON) and is held in memory whole, below .NET's 2 GiB.
    const int MostTextBytes = 256 * 1024 * 1024;
    const int MostParents = 10_000;
    const int MostBatchSize = 100_000;
    // A body is read into memory whole, and .NET strings and arrays stop at 2 GiB.
    const long MostBatchBytes = int.MaxValue;

    public SubmissionLimits ToLimits() => new() { MaxTextBytes = MaxTextBytes, MaxParents = MaxParents };

    /// <summary>Checked when the host starts (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(RegistryOptions options, SettingFailures failures)
    {
        failures.Range(nameof(MaxTextBytes), options.MaxTextBytes, 1, MostTextBytes, "largest document text, UTF-8 bytes");
        failures.Range(nameof(MaxParents), options.MaxParents, 0, MostParents, "most parents one document may name");
        failures.Range(nameof(MaxBatchSize), options.MaxBatchSize, 1, MostBatchSize, "most documents in one batch");
        failures.Range(nameof(MaxBatchBytes), options.MaxBatchBytes, 1024, MostBatchBytes, "largest batch body, bytes");
        failures.Range(nameof(LargeRequestBytes), options.LargeRequestBytes, 0, MostBatchBytes, "bodies above it wait for a place");
        failures.Range(nameof(MaxConcurrentLargeRequests), options.MaxConcurrentLargeRequests, 1, 1_000, "large requests worked on at once");
        failures.Range(nameof(SearchTimeoutMilliseconds), options.SearchTimeoutMilliseconds, 100, 600_000, "statement timeout of a text search, ms");
        failures.Range(nameof(LargeRequestQueue), options.LargeRequestQueue, 0, 100_000, "large requests that may wait");
    }
}
