using System.Security.Claims;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Provenance.Api.Access;
using Provenance.Api.Detection;
using Provenance.Api.Hosting;
using Provenance.Contracts.Documents;
using Provenance.Data.Documents;
using Provenance.Data.Registration;
using Provenance.Domain;
using Provenance.Domain.Access;
using Provenance.Domain.Documents;

namespace Provenance.Api.Documents;

internal static class DocumentsApi
{
    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder routes)
    {
        var writes = routes.MapGroup("/v1/documents").WithTags("Documents").RequirePermission(Permission.Register).WithAccessProblems();
        writes.MapPost("/", RegisterDocument).WithName(nameof(RegisterDocument))
            .WithSummary("Register one document (idempotent: the same text returns the same id and adds a sighting).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        writes.MapPost("/batch", RegisterDocuments).WithName(nameof(RegisterDocuments))
            .WithSummary("Register up to Registry:MaxBatchSize documents; answers per item and commits the valid ones.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        var reads = routes.MapGroup("/v1/documents").WithTags("Documents").RequirePermission(Permission.Read).WithAccessProblems()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/{ref}", GetDocument).WithName(nameof(GetDocument))
            .WithSummary("A document by id or content hash: metadata, class, depth, lineage parents and assertion history.");
        reads.MapGet("/{ref}/text", GetDocumentText).WithName(nameof(GetDocumentText))
            .WithSummary("The normalized text of a document, as text/plain.");
        return routes;
    }

    static async Task<Results<Created<RegisteredDocumentResponse>, Ok<RegisteredDocumentResponse>, ProblemHttpResult>> RegisterDocument(
        RegisterDocumentRequest request, RegistrationWriter writer, DetectionRequester detection, ISendEndpointProvider sender,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var result = (await writer.RegisterAsync([ToSubmission(request)], user.KeyName(), ct))[0];
        await detection.RequestForNewUnknownAsync(sender, [result], ct);
        return result.Status switch
        {
            RegistrationStatus.Created => TypedResults.Created($"/v1/documents/{result.Id}", ToResponse(result)),
            RegistrationStatus.Existing => TypedResults.Ok(ToResponse(result)),
            _ => ToProblem(result),
        };
    }

    static async Task<Results<Ok<RegisterDocumentsResponse>, ProblemHttpResult>> RegisterDocuments(
        RegisterDocumentsRequest request, RegistrationWriter writer, DetectionRequester detection, ISendEndpointProvider sender,
        IOptions<RegistryOptions> options, ClaimsPrincipal user, CancellationToken ct)
    {
        var max = options.Value.MaxBatchSize;
        if (request.Documents is null || request.Documents.Count == 0)
        {
            return Problems.Invalid("the batch has no documents; send {\"documents\": [{\"text\": \"...\"}, ...]}.", "empty_batch");
        }
        if (request.Documents.Count > max)
        {
            return Problems.Make(StatusCodes.Status413PayloadTooLarge, "The batch is too large",
                $"the batch has {request.Documents.Count:N0} documents; the limit is {max:N0}. Split it into batches of at most {max:N0}.",
                "batch_too_large");
        }
        var submissions = request.Documents.Select(d => d is null ? null! : ToSubmission(d)).ToList();
        var results = await writer.RegisterAsync(submissions, user.KeyName(), ct);
        await detection.RequestForNewUnknownAsync(sender, results, ct);
        return TypedResults.Ok(new RegisterDocumentsResponse(
            results.Count(r => r.Status == RegistrationStatus.Created),
            results.Count(r => r.Status == RegistrationStatus.Existing),
            results.Count(r => r.Status == RegistrationStatus.Rejected),
            [.. results.Select(r => new BatchItemResponse(r.Index, WireNames.Of(r.Status), r.Id, r.Hash?.ToString(),
                r.Class is { } c ? WireNames.Of(c) : null, r.Depth, r.PendingParents, r.Reason))]));
    }

    static async Task<Results<Ok<DocumentResponse>, ProblemHttpResult>> GetDocument(
        string @ref, string? include, DocumentQueries queries, CancellationToken ct)
    {
        var (id, problem) = await DocumentLookup.ResolveAsync(@ref, queries, ct);
        if (problem is not null)
        {
            return problem;
        }
        var includeText = include?.Split(',').Any(p => p.Trim().Equals("text", StringComparison.OrdinalIgnoreCase)) ?? false;
        return TypedResults.Ok((await queries.GetAsync(id, includeText, ct))!);
    }

    static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetDocumentText(string @ref, DocumentQueries queries, CancellationToken ct)
    {
        var (id, problem) = await DocumentLookup.ResolveAsync(@ref, queries, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Text((await queries.GetTextAsync(id, ct))!, "text/plain; charset=utf-8");
    }

    internal static DocumentSubmission ToSubmission(RegisterDocumentRequest r) => new(
        r.Text, r.SourceUri, r.CrawledAt, Crawler: null,
        r.Declared is { } d ? new DeclaredProvenance(d.Class, d.Generator, d.DigitalSourceType, d.Confidence) : null,
        r.Parents?.Select(p => p is null ? null! : new ParentReference(p.Id, p.ContentHash, p.Relation, p.Generator, p.ParamsHash)).ToList(),
        r.Language, r.Licence);

    static RegisteredDocumentResponse ToResponse(RegistrationResult r) =>
        new(r.Id!.Value, r.Hash!.Value.ToString(), WireNames.Of(r.Class!.Value), r.Depth, WireNames.Of(r.Status), r.PendingParents);

    static ProblemHttpResult ToProblem(RegistrationResult r) => r.Code switch
    {
        RejectionCode.UnknownParent => Problems.Unprocessable(r.Reason!, "unknown_parent"),
        RejectionCode.Cycle => Problems.Conflict(r.Reason!, "lineage_cycle"),
        _ => Problems.Invalid(r.Reason!, "invalid_document"),
    };
}
