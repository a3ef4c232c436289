using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Access;
using Provenance.Api.Documents;
using Provenance.Api.Hosting;
using Provenance.Api.Prov;
using Provenance.Contracts.Lineage;
using Provenance.Data.Documents;
using Provenance.Data.Lineage;
using Provenance.Domain;
using Provenance.Domain.Access;
using Provenance.Domain.Lineage;

namespace Provenance.Api.Lineage;

internal static class LineageApi
{
    public static RouteGroupBuilder MapLineageApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/documents/{ref}").WithTags("Lineage").RequirePermission(Permission.Read).WithAccessProblems()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/ancestors", GetAncestors).WithName(nameof(GetAncestors))
            .WithSummary("Documents this one was derived from, transitively, up to maxDepth generations.");
        group.MapGet("/descendants", GetDescendants).WithName(nameof(GetDescendants))
            .WithSummary("Documents derived from this one, transitively, up to maxDepth generations.");
        group.MapGet("/graph", GetGraph).WithName(nameof(GetGraph))
            .WithSummary("Ancestors and descendants together, as nodes (with a level for layered drawing) and edges.");
        group.MapGet("/roots", GetRoots).WithName(nameof(GetRoots))
            .WithSummary("The human documents this one's lineage leads back to, and where it leads nowhere.");
        group.MapGet("/prov", ProvApi.GetDocumentProv).WithName(nameof(ProvApi.GetDocumentProv))
            .WithSummary("The document's ancestors (maxDepth and relation as for /ancestors) as W3C PROV-JSON: documents are entities named by content hash, generations activities, generators, crawlers and curators agents.");
        return group;
    }

    /// <param name="maxDepth">Generations to walk, 1..1000 (default 32).</param>
    /// <param name="relation">Only follow these relations (repeat the parameter or separate with commas).</param>
    static Task<Results<Ok<LineageGraphResponse>, ProblemHttpResult>> GetAncestors(
        string @ref, int? maxDepth, string[]? relation, DocumentQueries documents, LineageQueries lineage, CancellationToken ct) =>
        WalkAsync(@ref, LineageDirection.Ancestors, maxDepth, relation, documents, lineage, ct);

    /// <param name="maxDepth">Generations to walk, 1..1000 (default 32).</param>
    /// <param name="relation">Only follow these relations (repeat the parameter or separate with commas).</param>
    static Task<Results<Ok<LineageGraphResponse>, ProblemHttpResult>> GetDescendants(
        string @ref, int? maxDepth, string[]? relation, DocumentQueries documents, LineageQueries lineage, CancellationToken ct) =>
        WalkAsync(@ref, LineageDirection.Descendants, maxDepth, relation, documents, lineage, ct);

    /// <param name="maxDepth">Generations to walk each way, 1..1000 (default 32).</param>
    /// <param name="relation">Only follow these relations (repeat the parameter or separate with commas).</param>
    static Task<Results<Ok<LineageGraphResponse>, ProblemHttpResult>> GetGraph(
        string @ref, int? maxDepth, string[]? relation, DocumentQueries documents, LineageQueries lineage, CancellationToken ct) =>
        WalkAsync(@ref, LineageDirection.Both, maxDepth, relation, documents, lineage, ct);

    static async Task<Results<Ok<RootsResponse>, ProblemHttpResult>> GetRoots(
        string @ref, DocumentQueries documents, LineageQueries lineage, CancellationToken ct)
    {
        var (id, problem) = await DocumentLookup.ResolveAsync(@ref, documents, ct);
        return problem ?? (Results<Ok<RootsResponse>, ProblemHttpResult>)TypedResults.Ok(await lineage.RootsAsync(id, ct));
    }

    static async Task<Results<Ok<LineageGraphResponse>, ProblemHttpResult>> WalkAsync(
        string docRef, LineageDirection direction, int? maxDepth, string[]? relation,
        DocumentQueries documents, LineageQueries lineage, CancellationToken ct)
    {
        if (WalkParameters.TryParse(maxDepth, relation, out var depth, out var relations) is { } invalid)
        {
            return invalid;
        }
        var (id, problem) = await DocumentLookup.ResolveAsync(docRef, documents, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(await lineage.WalkAsync(id, direction, depth, relations, ct));
    }
}
