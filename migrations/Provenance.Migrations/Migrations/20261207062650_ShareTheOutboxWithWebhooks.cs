using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <summary>
    /// One outbox for every destination: <c>lineage_outbox</c> becomes <c>outbox</c>, keeping its rows (they are
    /// OpenLineage's), with a destination column, OpenLineage's unique indexes made partial, and webhook subscriptions whose
    /// events wait in it too. Written by hand: the scaffold dropped the old table and created a new one.
    /// </summary>
    public partial class ShareTheOutboxWithWebhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(name: "ck_lineage_outbox_event_type", table: "lineage_outbox");
            migrationBuilder.DropIndex(name: "ix_lineage_outbox_next_attempt_at_id", table: "lineage_outbox");
            migrationBuilder.DropIndex(name: "ix_lineage_outbox_run_id_end", table: "lineage_outbox");
            migrationBuilder.DropIndex(name: "ix_lineage_outbox_run_id_event_type", table: "lineage_outbox");
            migrationBuilder.RenameTable(name: "lineage_outbox", newName: "outbox");
            migrationBuilder.Sql("""
                ALTER TABLE outbox RENAME CONSTRAINT pk_lineage_outbox TO pk_outbox;
                ALTER SEQUENCE IF EXISTS lineage_outbox_id_seq RENAME TO outbox_id_seq;
                """);

            // Every row so far is an OpenLineage event; the default only fills them in, and is dropped after.
            migrationBuilder.AddColumn<string>(
                name: "destination", table: "outbox", type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "openlineage");
            migrationBuilder.Sql("ALTER TABLE outbox ALTER COLUMN destination DROP DEFAULT;");
            migrationBuilder.AlterColumn<Guid>(
                name: "run_id", table: "outbox", type: "uuid", nullable: true, oldClrType: typeof(Guid), oldType: "uuid");
            migrationBuilder.AlterColumn<string>(
                name: "event_type", table: "outbox", type: "character varying(64)", maxLength: 64, nullable: false,
                oldClrType: typeof(string), oldType: "character varying(16)", oldMaxLength: 16);
            migrationBuilder.AddColumn<long>(name: "subscription_id", table: "outbox", type: "bigint", nullable: true);
            migrationBuilder.AddColumn<Guid>(name: "event_id", table: "outbox", type: "uuid", nullable: true);

            migrationBuilder.CreateTable(
                name: "webhook_subscriptions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    secret = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    event_types = table.Column<string[]>(type: "text[]", nullable: false),
                    description = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_subscriptions", x => x.id);
                    table.CheckConstraint("ck_webhook_subscriptions_event_types", "cardinality(event_types) > 0");
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_outbox_destination",
                table: "outbox",
                sql: "(destination = 'openlineage' AND run_id IS NOT NULL AND event_type IN ('START', 'COMPLETE', 'FAIL'))\nOR (destination = 'webhook' AND subscription_id IS NOT NULL AND event_id IS NOT NULL)");
            migrationBuilder.AddForeignKey(
                name: "fk_outbox_webhook_subscriptions_subscription_id",
                table: "outbox",
                column: "subscription_id",
                principalTable: "webhook_subscriptions",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_due",
                table: "outbox",
                columns: new[] { "destination", "next_attempt_at", "id" },
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_run_id_end",
                table: "outbox",
                column: "run_id",
                unique: true,
                filter: "destination = 'openlineage' AND event_type <> 'START'");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_run_id_event_type",
                table: "outbox",
                columns: new[] { "run_id", "event_type" },
                unique: true,
                filter: "destination = 'openlineage'");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_subscription_id",
                table: "outbox",
                column: "subscription_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(name: "ix_outbox_due", table: "outbox");
            migrationBuilder.DropIndex(name: "ix_outbox_run_id_end", table: "outbox");
            migrationBuilder.DropIndex(name: "ix_outbox_run_id_event_type", table: "outbox");
            migrationBuilder.DropIndex(name: "ix_outbox_subscription_id", table: "outbox");
            migrationBuilder.DropForeignKey(name: "fk_outbox_webhook_subscriptions_subscription_id", table: "outbox");
            migrationBuilder.DropCheckConstraint(name: "ck_outbox_destination", table: "outbox");
            // The webhooks' rows have nowhere to go in the OpenLineage outbox.
            migrationBuilder.Sql("DELETE FROM outbox WHERE destination <> 'openlineage';");
            migrationBuilder.DropTable(name: "webhook_subscriptions");
            migrationBuilder.DropColumn(name: "event_id", table: "outbox");
            migrationBuilder.DropColumn(name: "subscription_id", table: "outbox");
            migrationBuilder.DropColumn(name: "destination", table: "outbox");
            migrationBuilder.AlterColumn<string>(
                name: "event_type", table: "outbox", type: "character varying(16)", maxLength: 16, nullable: false,
                oldClrType: typeof(string), oldType: "character varying(64)", oldMaxLength: 64);
            migrationBuilder.AlterColumn<Guid>(
                name: "run_id", table: "outbox", type: "uuid", nullable: false, oldClrType: typeof(Guid), oldType: "uuid", oldNullable: true);
            migrationBuilder.Sql("""
                ALTER TABLE outbox RENAME CONSTRAINT pk_outbox TO pk_lineage_outbox;
                ALTER SEQUENCE IF EXISTS outbox_id_seq RENAME TO lineage_outbox_id_seq;
                """);
            migrationBuilder.RenameTable(name: "outbox", newName: "lineage_outbox");
            migrationBuilder.AddCheckConstraint(
                name: "ck_lineage_outbox_event_type", table: "lineage_outbox", sql: "event_type IN ('START', 'COMPLETE', 'FAIL')");
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
    }
}
