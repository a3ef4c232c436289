using Microsoft.EntityFrameworkCore;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using Provenance.Domain.Access;
using Provenance.Domain.Assertions;
using Provenance.Domain.Lineage;

namespace Provenance.Data;

/// <summary>
/// Builds the one <see cref="NpgsqlDataSource"/> that EF Core and the hand-written SQL share, with the
/// registry's PostgreSQL enum types mapped on both layers.
/// </summary>
public static class RegistryDatabase
{
    public const string MigrationsAssembly = "Provenance.Migrations";

    /// <summary>Where the hosts read the connection string from (environment: <c>ConnectionStrings__Registry</c>).</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Registry";

    /// <summary>
    /// A host's connection string, checked as it starts, so that a missing or malformed one stops the start with a
    /// message that names <see cref="ConnectionStringKey"/> instead of failing the first query. The message never quotes
    /// the value, which holds a password. <paramref name="whenMissing"/> says how this host is given one.
    /// </summary>
    public static string CheckConnectionString(string? connectionString, string whenMissing)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{ConnectionStringKey} is not set: {whenMissing}");
        }
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new InvalidOperationException(
                $"{ConnectionStringKey} is not a PostgreSQL connection string ({e.Message}); it looks like "
                + "'Host=127.0.0.1;Port=5432;Username=provenance;Password=...;Database=provenance'.", e);
        }
        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            throw new InvalidOperationException($"{ConnectionStringKey} names no Host; it looks like "
                + "'Host=127.0.0.1;Port=5432;Username=provenance;Password=...;Database=provenance'.");
        }
        return connectionString;
    }

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Keep session state when a connection goes back to the pool: the registration writer's staging tables then
        // survive from one batch to the next. Nothing in the registry sets session-level state it relies on resetting.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.MapEnum<ProvenanceClass>("provenance_class");
        builder.MapEnum<AssertionKind>("assertion_kind");
        builder.MapEnum<LineageRelation>("lineage_relation");
        builder.MapEnum<ApiRole>("api_role");
        return builder.Build();
    }

    public static DbContextOptionsBuilder UseRegistry(this DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, MapRegistry).UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder UseRegistry(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, MapRegistry).UseSnakeCaseNamingConvention();

    static void MapRegistry(NpgsqlDbContextOptionsBuilder o) => o
        .MigrationsAssembly(MigrationsAssembly)
        .MapEnum<ProvenanceClass>("provenance_class")
        .MapEnum<AssertionKind>("assertion_kind")
        .MapEnum<LineageRelation>("lineage_relation")
        .MapEnum<ApiRole>("api_role");
}
