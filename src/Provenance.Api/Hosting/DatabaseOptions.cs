namespace Provenance.Api.Hosting;

/// <summary>The <c>Database</c> configuration section: what the API does to the schema as it starts.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations at start (the run script and the compose file set it).</summary>
    public bool MigrateOnStartup { get; set; }
}
