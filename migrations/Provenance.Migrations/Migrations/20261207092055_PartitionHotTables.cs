using Microsoft.EntityFrameworkCore.Migrations;
using Provenance.Data;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <summary>
    /// The partitioned mode (Database:Partitions): the hot tables become hash-partitioned tables on their distribution
    /// columns when the number is above 1. A later migration that adds a table to <see cref="Partitioning.Tables"/>
    /// converges again with the same call.
    /// </summary>
    public partial class PartitionHotTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // As many partitions as the migration connection's setting says (Database:Partitions, through
            // RegistrySchema.MigrateAsync); 1, plain tables, without it. The number is recorded in registry_settings.
            migrationBuilder.Sql(Partitioning.ConvergeSql(Partitioning.SettingSql));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Partitioning.ConvergeSql("1"));
            migrationBuilder.Sql("DROP TABLE registry_settings;");
        }
    }
}
