using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Provenance.Api.Access;
using Provenance.Api.Documents;
using Provenance.Contracts.Stats;
using Provenance.Data.Stats;
using Provenance.Domain.Access;

namespace Provenance.Api.Stats;

internal static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/stats", GetStats).WithName(nameof(GetStats)).WithTags("Stats").RequirePermission(Permission.Read)
            .WithSummary("Counts of documents by class, generator and generation depth, the documents waiting for the detector and for the search index, and the latest registrations.")
            .WithAccessProblems();
        return routes;
    }

    static async Task<Ok<StatsResponse>> GetStats(StatsQueries stats, IOptions<SearchOptions> search, CancellationToken ct) =>
        TypedResults.Ok(await stats.GetAsync(search.Value.IndexText, ct));
}
