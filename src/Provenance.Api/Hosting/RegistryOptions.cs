using Microsoft.Extensions.Options;
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

    public SubmissionLimits ToLimits() => new() { MaxTextBytes = MaxTextBytes, MaxParents = MaxParents };

    internal sealed class Validator : IValidateOptions<RegistryOptions>
    {
        public ValidateOptionsResult Validate(string? name, RegistryOptions options)
        {
            var failures = new List<string>();
            Range(failures, nameof(MaxTextBytes), options.MaxTextBytes, 1, 256L * 1024 * 1024);
            Range(failures, nameof(MaxParents), options.MaxParents, 0, 10_000);
            Range(failures, nameof(MaxBatchSize), options.MaxBatchSize, 1, 1_000_000);
            Range(failures, nameof(MaxBatchBytes), options.MaxBatchBytes, 1024, 2L * 1024 * 1024 * 1024);
            Range(failures, nameof(LargeRequestBytes), options.LargeRequestBytes, 0, long.MaxValue);
            Range(failures, nameof(MaxConcurrentLargeRequests), options.MaxConcurrentLargeRequests, 1, 1_000);
            Range(failures, nameof(LargeRequestQueue), options.LargeRequestQueue, 0, 100_000);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        static void Range(List<string> failures, string key, long value, long least, long most)
        {
            if (value < least || value > most)
            {
                failures.Add($"{Section}:{key} is {value}; it must be between {least:N0} and {most:N0}.");
            }
        }
    }
}
