using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Hosting;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Ingestion;
using Provenance.Data.Registration;
using Provenance.Domain.Documents;

namespace Provenance.Api.Documents;

/// <summary>A batch that no item-by-item answer can save: <paramref name="Code"/> and <paramref name="Detail"/> say why.</summary>
/// <param name="Status">The HTTP status that says it; the bus consumer sends such a batch to its error queue instead.</param>
internal sealed record BatchProblem(int Status, string Code, string Detail);

/// <summary>
/// What the two ways to register documents share, <c>POST /v1/documents</c> (and <c>/batch</c>) and the bus
/// consumer: how their requests become submissions, the limits of a batch, and the code of each rejection.
/// </summary>
internal static class Registrations
{
    public static DocumentSubmission ToSubmission(RegisterDocumentRequest r) => new(
        r.Text, r.SourceUri, r.CrawledAt, Crawler: null,
        r.Declared is { } d ? Declared(d.Class, d.Generator, d.DigitalSourceType, d.Confidence, d.C2pa) : null,
        r.Parents?.Select(p => p is null ? null! : Parent(p.Id, p.ContentHash, p.Relation, p.Generator, p.ParamsHash)).ToList(),
        r.Language, r.Licence);

    /// <param name="batch">The batch <paramref name="d"/> came in: its crawler is the default one.</param>
    /// <param name="fallbackTime">The crawl time of a document that has none.</param>
    public static DocumentSubmission ToSubmission(IncomingDocument d, RegisterDocuments batch, DateTimeOffset fallbackTime) => new(
        d.Text, d.Url, d.CrawledAt == default ? fallbackTime : d.CrawledAt, d.CrawlerId ?? batch.CrawlerId,
        d.Declared is { } x ? Declared(x.Class, x.Generator, x.DigitalSourceType, x.Confidence, x.C2pa) : null,
        d.Parents?.Select(p => p is null ? null! : Parent(p.Id, p.ContentHash, p.Relation, p.Generator, p.ParamsHash)).ToList(),
        d.Language, d.Licence);

    static DeclaredProvenance Declared(string? cls, string? generator, string? digitalSourceType, double? confidence, JsonElement? c2pa) =>
        new(cls, generator, digitalSourceType, confidence, c2pa);

    static ParentReference Parent(long? id, string? contentHash, string? relation, string? generator, string? paramsHash) =>
        new(id, contentHash, relation, generator, paramsHash);

    /// <summary>Whether a batch of <paramref name="documents"/> is within <paramref name="limits"/>; null when it is.</summary>
    public static BatchProblem? CheckBatch<T>(IReadOnlyCollection<T?>? documents, Func<T, string?> text, RegistryOptions limits) where T : class
    {
        if (documents is null || documents.Count == 0)
        {
            return new(StatusCodes.Status400BadRequest, "empty_batch", "the batch has no documents; send at least one.");
        }
        if (documents.Count > limits.MaxBatchSize)
        {
            return new(StatusCodes.Status413PayloadTooLarge, "batch_too_large",
                $"the batch has {documents.Count:N0} documents; the limit is {limits.MaxBatchSize:N0}. Split it into batches of at most {limits.MaxBatchSize:N0}.");
        }
        // Over HTTP the body limit (the same setting, in bytes) stops such a batch first.
        var chars = documents.Sum(d => (long)(d is null ? 0 : text(d)?.Length ?? 0));
        if (chars > limits.MaxBatchBytes)
        {
            return new(StatusCodes.Status413PayloadTooLarge, "batch_too_large",
                $"the batch carries {chars:N0} characters of text; the limit is {limits.MaxBatchBytes:N0} (Registry:MaxBatchBytes). Send smaller batches.");
        }
        return null;
    }

    /// <summary>The stable code of a rejected item, the same in a batch answer, a problem and a bus rejection.</summary>
    public static string Code(RejectionCode? code) => RejectionCodes.WireName(code);

    /// <summary>The problem that answers a single rejected document.</summary>
    public static ProblemHttpResult ToProblem(RegistrationResult r) => r.Code switch
    {
        RejectionCode.UnknownParent => Problems.Unprocessable(r.Reason!, Code(r.Code)),
        RejectionCode.Cycle => Problems.Conflict(r.Reason!, Code(r.Code)),
        _ => Problems.Invalid(r.Reason!, Code(r.Code)),
    };
}
