using Provenance.Data;
using Provenance.Hosting.Settings;

namespace Provenance.Api.Hosting;

/// <summary>The <c>Database</c> configuration section: what the API does to the schema as it starts.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations at start (the run script and the compose file set it).</summary>
    public bool MigrateOnStartup { get; set; }

    /// <summary>
    /// Hash partitions per hot table (<see cref="Partitioning"/>), fixed when the migrations build the database: 1 is
    /// plain tables. The API refuses to start on a database built with another number.
    /// </summary>
    public int Partitions { get; set; } = 1;

    /// <summary>Checked when the host starts (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(DatabaseOptions options, SettingFailures failures) =>
        failures.Range(nameof(Partitions), options.Partitions, 1, Partitioning.Max, "hash partitions per hot table; 1 is plain tables");
}
