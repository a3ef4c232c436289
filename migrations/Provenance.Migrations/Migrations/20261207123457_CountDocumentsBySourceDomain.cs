using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class CountDocumentsBySourceDomain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "document_domain_counts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    domain = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    documents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_domain_counts", x => x.id);
                });

            // Appended by triggers, so that every writer of documents (registration, COPY, a deletion) keeps the counts true
            // in its own transaction, and only ever appended, so that writers never wait on each other here: an insert or
            // delete statement adds a row per domain it touched (over the statement's rows, once); a domain set on a
            // document that had none (a later sighting gives it one) adds two, which is rare. The empty string stands for
            // no domain. DomainCounts.CompactAsync folds the rows into one per domain.
            migrationBuilder.Sql("""
                CREATE FUNCTION document_domain_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO document_domain_counts (domain, documents)
                    SELECT COALESCE(n.source_domain, ''), count(*) FROM added n GROUP BY 1;
                    RETURN NULL;
                END
                $$;
                CREATE FUNCTION document_domain_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO document_domain_counts (domain, documents)
                    SELECT COALESCE(o.source_domain, ''), -count(*) FROM removed o GROUP BY 1;
                    RETURN NULL;
                END
                $$;
                CREATE FUNCTION document_domain_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO document_domain_counts (domain, documents)
                    VALUES (COALESCE(OLD.source_domain, ''), -1), (COALESCE(NEW.source_domain, ''), 1);
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER documents_count_domains_added AFTER INSERT ON documents REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION document_domain_counts_add();
                CREATE TRIGGER documents_count_domains_removed AFTER DELETE ON documents REFERENCING OLD TABLE AS removed
                    FOR EACH STATEMENT EXECUTE FUNCTION document_domain_counts_remove();
                CREATE TRIGGER documents_count_domains_moved AFTER UPDATE OF source_domain ON documents
                    FOR EACH ROW WHEN (OLD.source_domain IS DISTINCT FROM NEW.source_domain) EXECUTE FUNCTION document_domain_counts_move();
                INSERT INTO document_domain_counts (domain, documents)
                SELECT COALESCE(source_domain, ''), count(*) FROM documents GROUP BY 1;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER documents_count_domains_added ON documents;
                DROP TRIGGER documents_count_domains_removed ON documents;
                DROP TRIGGER documents_count_domains_moved ON documents;
                DROP FUNCTION document_domain_counts_add();
                DROP FUNCTION document_domain_counts_remove();
                DROP FUNCTION document_domain_counts_move();
                """);

            migrationBuilder.DropTable(
                name: "document_domain_counts");
        }
    }
}
