using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AddDocumentSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_sightings_uri",
                table: "sightings",
                column: "uri")
                .Annotation("Npgsql:IndexMethod", "hash");

            // The text search index over the expression DocumentSearch.TextVectorSql (a prefix of each text, language
            // simple); EF Core's model cannot describe an expression index, so it is written here.
            migrationBuilder.Sql(
                "CREATE INDEX ix_document_texts_search ON document_texts USING gin (to_tsvector('simple'::regconfig, left(text, 100000)));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_document_texts_search;");

            migrationBuilder.DropIndex(
                name: "ix_sightings_uri",
                table: "sightings");
        }
    }
}
