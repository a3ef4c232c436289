using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.Api.Datasets;
using Provenance.Data;
using Provenance.Data.Access;
using Provenance.Data.Assertions;
using Provenance.Data.Datasets;
using Provenance.Data.Delivery;
using Provenance.Data.Detection;
using Provenance.Data.Documents;
using Provenance.Data.Generators;
using Provenance.Data.Lineage;
using Provenance.Data.Prov;
using Provenance.Data.Registration;
using Provenance.Data.Stats;
using Provenance.Hosting.Settings;

namespace Provenance.Api.Hosting;

internal static partial class DatabaseHosting
{
    /// <summary>
    /// Registers the PostgreSQL data source (shared by EF Core and the hand-written SQL) and the registry's
    /// readers and writers. The connection string is <c>ConnectionStrings:Registry</c>
    /// (environment: <c>ConnectionStrings__Registry</c>).
    /// </summary>
    public static IHostApplicationBuilder AddRegistryDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = RegistryDatabase.CheckConnectionString(builder.Configuration[RegistryDatabase.ConnectionStringKey],
            "set ConnectionStrings__Registry (for example 'Host=127.0.0.1;Port=5432;Username=provenance;Password=...;Database=provenance'), "
            + "or start the registry with deploy/scripts/run.sh, which starts a local PostgreSQL for you.");
        builder.Services.AddSettings<RegistryOptions>(RegistryOptions.Section, RegistryOptions.Check);
        builder.Services.AddSettings<DatabaseOptions>(DatabaseOptions.Section, DatabaseOptions.Check);

        builder.Services.AddSingleton(_ => RegistryDatabase.CreateDataSource(connectionString));
        builder.Services.AddDbContextPool<RegistryDbContext>((sp, o) => o.UseRegistry(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<RegistryOptions>>().Value.ToLimits());
        builder.Services.AddSingleton<RegistrationWriter>();
        builder.Services.AddSingleton<AssertionWriter>();
        builder.Services.AddSingleton<LineageQueries>();
        builder.Services.AddSingleton<ProvQueries>();
        builder.Services.AddSingleton<StatsQueries>();
        builder.Services.AddSingleton<DetectionQueries>();
        builder.Services.AddScoped<DocumentQueries>();
        builder.Services.AddScoped<ApiKeyStore>();
        builder.Services.AddScoped<GeneratorQueries>();
        builder.Services.AddSingleton<DatasetQueries>();
        builder.Services.AddSingleton<DatasetAssembler>();
        builder.Services.AddHostedService<DomainCountCompaction>();
        builder.Services.AddSingleton<Outbox>();
        return builder;
    }

    /// <summary>
    /// Applies pending migrations when <c>Database:MigrateOnStartup</c> is true (the run script and the compose file
    /// set it), then installs the bootstrap admin key from <c>PROVENANCE_ADMIN_KEY</c> when it is set.
    /// </summary>
    public static async Task PrepareRegistryAsync(this WebApplication app)
    {
        // The settings are checked here, before anything is written, rather than when the host starts after migrating:
        // a bad one stops the start with nothing changed.
        app.Services.CheckSettings();
        // Checked before anything is written, so that a weak key stops the start with nothing changed.
        var adminKey = app.Configuration["PROVENANCE_ADMIN_KEY"]?.Trim();
        if (!string.IsNullOrEmpty(adminKey) && adminKey.Length < ApiKeyHashes.MinChosenLength)
        {
            throw new InvalidOperationException(
                $"PROVENANCE_ADMIN_KEY has {adminKey.Length} characters; it needs at least {ApiKeyHashes.MinChosenLength}. "
                + "Use a long random value, such as the output of: openssl rand -hex 32");
        }
        await using var scope = app.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Provenance.Startup");
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        const string partitionsKey = $"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Partitions)}";
        if (options.MigrateOnStartup)
        {
            var applied = await RegistrySchema.MigrateAsync(db, options.Partitions, partitionsKey, CancellationToken.None);
            if (applied.Count > 0)
            {
                LogMigrated(log, applied.Count, string.Join(", ", applied));
                // Reload the enum types the migrations may just have created into the shared data source.
                await app.Services.GetRequiredService<NpgsqlDataSource>().ReloadTypesAsync();
            }
        }
        else
        {
            await RegistrySchema.CheckPartitionsAsync(db, options.Partitions, partitionsKey, CancellationToken.None);
        }
        if (!string.IsNullOrEmpty(adminKey))
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().EnsureBootstrapAdminAsync(adminKey, CancellationToken.None);
            LogAdminKey(log);
        }
        else if (!await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().ApiKeys
                     .AnyAsync(k => k.Role == Domain.Access.ApiRole.Admin && k.RevokedAt == null))
        {
            LogNoAdmin(log);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin API key exists and PROVENANCE_ADMIN_KEY is not set: nobody can create keys. Set PROVENANCE_ADMIN_KEY and restart.")]
    static partial void LogNoAdmin(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} migration(s): {Migrations}")]
    static partial void LogMigrated(ILogger logger, int count, string migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin key installed from PROVENANCE_ADMIN_KEY")]
    static partial void LogAdminKey(ILogger logger);
}
