using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Provenance.Hosting.Health;

/// <summary>The health checks every registry host runs; each host's own dependencies add theirs with <see cref="Ready"/>.</summary>
public static class HealthHosting
{
    /// <summary>
    /// The tag of the checks <c>/health/ready</c> runs: the dependencies without which the host cannot do its work.
    /// MassTransit tags its bus check with the same word.
    /// </summary>
    public const string Ready = "ready";

    /// <summary>Health checks, with the registry database's (over the host's <see cref="NpgsqlDataSource"/>).</summary>
    public static IHealthChecksBuilder AddRegistryHealthChecks(this IHostApplicationBuilder builder) =>
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready], timeout: TimeSpan.FromSeconds(5));

    /// <summary>
    /// The database answers a trivial query. A small check over the data source the host already has, rather than a
    /// package's check that would open connections of its own with another connection string.
    /// </summary>
    sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var cmd = dataSource.CreateCommand("SELECT 1");
                await cmd.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy($"The registry's database is unreachable: {e.Message}");
            }
        }
    }
}
