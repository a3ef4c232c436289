using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Provenance.Api.Hosting;

namespace Provenance.Api.Health;

internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", GetHealth).WithName(nameof(GetHealth)).WithTags("Health").AllowAnonymous()
            .WithSummary("Liveness and database reachability. Needs no key.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    public sealed record HealthResponse(string Status, string Database);

    static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> GetHealth(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        try
        {
            await using var cmd = dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(ct);
            return TypedResults.Ok(new HealthResponse("healthy", "reachable"));
        }
        catch (NpgsqlException e)
        {
            return Problems.Make(StatusCodes.Status503ServiceUnavailable, "The registry's database is unreachable", e.Message, "database_unreachable");
        }
    }
}
