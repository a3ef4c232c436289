using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <summary>
    /// One schema for both modes of Database:Partitions: the unique content hash moves to document_hashes, and the keys
    /// of sightings, assertions and pending edges contain the column they are partitioned on.
    /// </summary>
    public partial class ClaimContentHashesAndKeyByDocument : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_sightings",
                table: "sightings");

            migrationBuilder.DropPrimaryKey(
                name: "pk_pending_edges",
                table: "pending_edges");

            migrationBuilder.DropIndex(
                name: "ix_documents_content_hash",
                table: "documents");

            migrationBuilder.DropPrimaryKey(
                name: "pk_assertions",
                table: "assertions");

            migrationBuilder.AddPrimaryKey(
                name: "pk_sightings",
                table: "sightings",
                columns: new[] { "document_id", "id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_pending_edges",
                table: "pending_edges",
                columns: new[] { "child_id", "id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_assertions",
                table: "assertions",
                columns: new[] { "document_id", "id" });

            migrationBuilder.CreateTable(
                name: "document_hashes",
                columns: table => new
                {
                    content_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    document_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_hashes", x => x.content_hash);
                    table.CheckConstraint("ck_document_hashes_content_hash_length", "octet_length(content_hash) = 32");
                });

            // Every registered text claims its hash; the unique index on documents dropped above held the same rule.
            migrationBuilder.Sql("INSERT INTO document_hashes (content_hash, document_id) SELECT content_hash, id FROM documents;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "document_hashes");

            migrationBuilder.DropPrimaryKey(
                name: "pk_sightings",
                table: "sightings");

            migrationBuilder.DropPrimaryKey(
                name: "pk_pending_edges",
                table: "pending_edges");

            migrationBuilder.DropPrimaryKey(
                name: "pk_assertions",
                table: "assertions");

            migrationBuilder.AddPrimaryKey(
                name: "pk_sightings",
                table: "sightings",
                column: "id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_pending_edges",
                table: "pending_edges",
                column: "id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_assertions",
                table: "assertions",
                column: "id");

            migrationBuilder.CreateIndex(
                name: "ix_documents_content_hash",
                table: "documents",
                column: "content_hash",
                unique: true);
        }
    }
}
