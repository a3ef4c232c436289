using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Access;
using Provenance.Contracts.Stats;
using Provenance.Data.Stats;
using Provenance.Domain.Access;

namespace Provenance.Api.Stats;

internal static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/stats", GetStats).WithName(nameof(GetStats)).WithTags("Stats").RequirePermission(Permission.Read)
            .WithSummary("Counts of documents by class, generator and generation depth, the documents waiting for the detector, and the latest registrations.")
            .WithAccessProblems();
        return routes;
    }

    static async Task<Ok<StatsResponse>> GetStats(StatsQueries stats, CancellationToken ct) => TypedResults.Ok(await stats.GetAsync(ct));
}
