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
        var limits = routes.ServiceProvider.GetRequiredService<IOptions<RegistryOptions>>().Value;
        var writes = routes.MapGroup("/v1/documents").WithTags("Documents").RequirePermission(Permission.Register).WithAccessProblems()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        writes.MapPost("/", RegisterDocument).WithName(nameof(RegisterDocument))
            .WithSummary("Register one document (idempotent: the same text returns the same id and adds a sighting).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).WithBodyLimit(BodyLimit.Document(limits));
        writes.MapPost("/batch", RegisterDocuments).WithName(nameof(RegisterDocuments))
            .WithSummary("Register up to Registry:MaxBatchSize documents in up to Registry:MaxBatchBytes; answers per item and commits the valid ones.")
            .ProducesProblem(StatusCodes.Status400BadRequest).WithBodyLimit(BodyLimit.Batch(limits));

        var reads = routes.MapGroup("/v1/documents").WithTags("Documents").RequirePermission(Permission.Read).WithAccessProblems()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/", SearchDocuments).WithName(nameof(SearchDocuments))
            .WithSummary("Find documents by id, content hash (with or without sha256:), source URL of a sighting, or words of the text; "
                + "newest first, a page at a time.")
            .WithDescription("q is taken for a document id when it is a positive integer, a content hash when it is 64 hex digits "
                + "(optionally prefixed sha256:), a sighting's source URL when it is an absolute http, https, ftp, s3 or gs URI "
                + "(normalized as registration normalizes it, matched exactly), and words of the text otherwise: full-text search "
                + "over the first 100,000 characters, every word must occur, \"quoted words\" must occur as a phrase, -word must "
                + "not occur; case and punctuation do not matter. limit is 1 to 100 (default 20); pass a page's next as cursor "
                + "for the next page. A text search that takes longer than Registry:SearchTimeoutMilliseconds answers 422 "
                + "search_too_broad. Words are indexed in the background after registration: a document is found by its words "
                + "about Search:PollInterval (1 s) after it was registered, by id, hash and URL at once. With Search:IndexText "
                + "false a text query answers 422 text_search_disabled.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
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
        var result = (await writer.RegisterAsync([Registrations.ToSubmission(request)], user.KeyName(), ct))[0];
        await detection.RequestForNewUnknownAsync(sender, [result], ct);
        return result.Status switch
        {
            RegistrationStatus.Created => TypedResults.Created($"/v1/documents/{result.Id}", ToResponse(result)),
            RegistrationStatus.Existing => TypedResults.Ok(ToResponse(result)),
            _ => Registrations.ToProblem(result),
        };
    }

    static async Task<Results<Ok<RegisterDocumentsResponse>, ProblemHttpResult>> RegisterDocuments(
        RegisterDocumentsRequest request, RegistrationWriter writer, DetectionRequester detection, ISendEndpointProvider sender,
        IOptions<RegistryOptions> options, ClaimsPrincipal user, CancellationToken ct)
    {
        if (Registrations.CheckBatch(request.Documents, d => d.Text, options.Value) is { } problem)
        {
            return problem.Status == StatusCodes.Status413PayloadTooLarge
                ? Problems.Make(problem.Status, "The batch is too large", problem.Detail, problem.Code)
                : Problems.Invalid(problem.Detail, problem.Code);
        }
        var submissions = request.Documents!.Select(d => d is null ? null! : Registrations.ToSubmission(d)).ToList();
        var results = await writer.RegisterAsync(submissions, user.KeyName(), ct);
        await detection.RequestForNewUnknownAsync(sender, results, ct);
        return TypedResults.Ok(new RegisterDocumentsResponse(
            results.Count(r => r.Status == RegistrationStatus.Created),
            results.Count(r => r.Status == RegistrationStatus.Existing),
            results.Count(r => r.Status == RegistrationStatus.Rejected),
            [.. results.Select(r => new BatchItemResponse(r.Index, WireNames.Of(r.Status), r.Id, r.Hash?.ToString(),
                r.Class is { } c ? WireNames.Of(c) : null, r.Depth, r.PendingParents, r.Reason,
                r.Status == RegistrationStatus.Rejected ? Registrations.Code(r.Code) : null))]));
    }

    static async Task<Results<Ok<DocumentSearchResponse>, ProblemHttpResult>> SearchDocuments(
        string? q, int? limit, string? cursor, DocumentSearch search, IOptions<RegistryOptions> options, IOptions<SearchOptions> searchOptions,
        CancellationToken ct)
    {
        if (!SearchQuery.TryParse(q, out var query, out var code, out var error))
        {
            return Problems.Invalid(error, code);
        }
        if (query.Kind == SearchKind.Text && !searchOptions.Value.IndexText)
        {
            return Problems.Make(StatusCodes.Status422UnprocessableEntity, "Search by words is off",
                $"this registry does not index texts (Search:IndexText is false), so '{query.Value}' cannot be searched for as words; "
                + "search by document id, content hash (sha256:…) or source URL instead.", "text_search_disabled");
        }
        if (limit is < 1 or > DocumentSearch.MaxPageSize)
        {
            return Problems.Invalid($"limit {limit} is not between 1 and {DocumentSearch.MaxPageSize}.", "invalid_limit");
        }
        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return Problems.Invalid($"cursor '{cursor}' is not one this endpoint gave out; pass the next of the previous page as it was.", "invalid_cursor");
            }
            before = id;
        }
        SearchPage page;
        try
        {
            page = await search.FindAsync(query, before, limit ?? DefaultPageSize, TimeSpan.FromMilliseconds(options.Value.SearchTimeoutMilliseconds), ct);
        }
        catch (SearchTimeoutException)
        {
            return Problems.Make(StatusCodes.Status422UnprocessableEntity, "The search is too broad",
                $"the text search for '{query.Value}' took longer than {options.Value.SearchTimeoutMilliseconds:N0} ms; add words, or quote a phrase from the text.",
                "search_too_broad");
        }
        return TypedResults.Ok(new DocumentSearchResponse(query.Value, WireNames.Of(query.Kind),
            [.. page.Hits.Select(h => new DocumentSearchHit(h.Id, h.Hash.ToString(), WireNames.Of(h.Class), h.SourceUri, h.Snippet))],
            page.Next?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    const int DefaultPageSize = 20;

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

    static RegisteredDocumentResponse ToResponse(RegistrationResult r) =>
        new(r.Id!.Value, r.Hash!.Value.ToString(), WireNames.Of(r.Class!.Value), r.Depth, WireNames.Of(r.Status), r.PendingParents);
}
