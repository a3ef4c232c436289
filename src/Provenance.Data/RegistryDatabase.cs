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
