using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class IndexDocumentSearchInTheBackground : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Registration no longer maintains the text index; the search indexer fills document_search after it, from
            // id 0 on, so the documents registered before this migration become searchable by words as it catches up.
            migrationBuilder.Sql("DROP INDEX ix_document_texts_search;");

            migrationBuilder.CreateTable(
                name: "document_search",
                columns: table => new
                {
                    document_id = table.Column<long>(type: "bigint", nullable: false),
                    vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_search", x => x.document_id);
                    table.ForeignKey(
                        name: "fk_document_search_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "document_search_progress",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    indexed_through = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_search_progress", x => x.id);
                    table.CheckConstraint("ck_document_search_progress_one_row", "id = 1");
                });

            migrationBuilder.InsertData(
                table: "document_search_progress",
                columns: new[] { "id", "indexed_through" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_document_search_vector",
                table: "document_search",
                column: "vector")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "document_search");

            migrationBuilder.DropTable(
                name: "document_search_progress");

            migrationBuilder.Sql(
                "CREATE INDEX ix_document_texts_search ON document_texts USING gin (to_tsvector('simple'::regconfig, left(text, 100000)));");
        }
    }
}
