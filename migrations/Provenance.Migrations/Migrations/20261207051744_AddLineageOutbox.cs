using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <summary>
    /// The OpenLineage outbox: run events of dataset assemblies wait here, written with what they report, until the API's
    /// sender has delivered them.
    /// </summary>
    public partial class AddLineageOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lineage_outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    payload = table.Column<string>(type: "json", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lineage_outbox", x => x.id);
                    table.CheckConstraint("ck_lineage_outbox_event_type", "event_type IN ('START', 'COMPLETE', 'FAIL')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_lineage_outbox_next_attempt_at_id",
                table: "lineage_outbox",
                columns: new[] { "next_attempt_at", "id" },
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_lineage_outbox_run_id_end",
                table: "lineage_outbox",
                column: "run_id",
                unique: true,
                filter: "event_type <> 'START'");

            migrationBuilder.CreateIndex(
                name: "ix_lineage_outbox_run_id_event_type",
                table: "lineage_outbox",
                columns: new[] { "run_id", "event_type" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lineage_outbox");
        }
    }
}
