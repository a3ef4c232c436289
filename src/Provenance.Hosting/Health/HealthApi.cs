using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Provenance.Hosting.Health;

/// <summary>
/// The probes, the same in every host: <c>/health/live</c> (the process answers; no dependency is asked, so a broken
/// database never gets a healthy process restarted), <c>/health/ready</c> (every check tagged
/// <see cref="HealthHosting.Ready"/>), and <c>/health</c>, the same as ready. None needs a key.
/// </summary>
public static class HealthApi
{
    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("", GetHealth).WithName(nameof(GetHealth))
            .WithSummary("Readiness, with each check's status (the same as /health/ready). Needs no key.")
            .WithDescription("200 while every dependency check (database, bus, and the detector's model where the host runs one) is healthy "
                + "or degraded; 503 when one is unhealthy. The body names each check's status.")
            .Produces<HealthReportResponse>(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/ready", GetReady).WithName(nameof(GetReady))
            .WithSummary("Readiness probe: the database, the bus and the detector's model where the host runs one. Needs no key.")
            .WithDescription("200 when this instance can take work, 503 (with the failing check named) when it cannot. "
                + "A load balancer or Kubernetes readiness probe should stop sending work on 503; restarting does not help.")
            .Produces<HealthReportResponse>(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/live", GetLive).WithName(nameof(GetLive))
            .WithSummary("Liveness probe: the process answers HTTP. Asks no dependency. Needs no key.")
            .WithDescription("Always 200 while the process serves requests; a liveness probe that fails means restart the process.");
        return group;
    }

    /// <param name="Status">healthy, degraded or unhealthy: the worst of the checks.</param>
    /// <param name="Checks">Each check by name (database, bus, detector) with its status and, when not healthy, why.</param>
    public sealed record HealthReportResponse(string Status, IReadOnlyDictionary<string, HealthCheckResponse> Checks);

    public sealed record HealthCheckResponse(string Status, string? Description, double DurationMs);

    static Task<Results<Ok<HealthReportResponse>, JsonHttpResult<HealthReportResponse>>> GetHealth(HealthCheckService health, CancellationToken ct) =>
        GetReady(health, ct);

    static async Task<Results<Ok<HealthReportResponse>, JsonHttpResult<HealthReportResponse>>> GetReady(HealthCheckService health, CancellationToken ct) =>
        Answer(await health.CheckHealthAsync(r => r.Tags.Contains(HealthHosting.Ready), ct));

    static Ok<HealthReportResponse> GetLive() => TypedResults.Ok(new HealthReportResponse(Name(HealthStatus.Healthy), new Dictionary<string, HealthCheckResponse>()));

    static Results<Ok<HealthReportResponse>, JsonHttpResult<HealthReportResponse>> Answer(HealthReport report)
    {
        var body = new HealthReportResponse(Name(report.Status), report.Entries.ToDictionary(e => e.Key,
            e => new HealthCheckResponse(Name(e.Value.Status), e.Value.Status == HealthStatus.Healthy ? null : e.Value.Description ?? e.Value.Exception?.Message,
                Math.Round(e.Value.Duration.TotalMilliseconds, 1))));
        // Degraded still takes work (the bus reconnecting, say); only unhealthy takes the instance out.
        return report.Status == HealthStatus.Unhealthy
            ? TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(body);
    }

    static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
