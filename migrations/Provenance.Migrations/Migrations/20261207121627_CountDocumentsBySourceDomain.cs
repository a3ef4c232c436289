using Microsoft.EntityFrameworkCore.Migrations;

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
                    domain = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    slot = table.Column<short>(type: "smallint", nullable: false),
                    documents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_domain_counts", x => new { x.domain, x.slot });
                });

            // Kept by triggers, so that every writer of documents (registration, COPY, a deletion) keeps it true in its own
            // transaction. Inserts and deletes once per statement, over the statement's rows; a domain set on a document
            // that had none (a later sighting gives it one) once per such row, which is rare. Rows are upserted in domain
            // order, so two writers cannot deadlock on them, and into the writing session's slot, so that writers from one
            // site do not queue on one row. The empty string stands for no domain.
            migrationBuilder.Sql("""
                CREATE FUNCTION document_domain_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO document_domain_counts AS c (domain, slot, documents)
                    SELECT COALESCE(n.source_domain, ''), (pg_backend_pid() % 16)::smallint, count(*) FROM added n GROUP BY 1 ORDER BY 1
                    ON CONFLICT (domain, slot) DO UPDATE SET documents = c.documents + excluded.documents;
                    RETURN NULL;
                END
                $$;
                CREATE FUNCTION document_domain_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO document_domain_counts AS c (domain, slot, documents)
                    SELECT COALESCE(o.source_domain, ''), (pg_backend_pid() % 16)::smallint, -count(*) FROM removed o GROUP BY 1 ORDER BY 1
                    ON CONFLICT (domain, slot) DO UPDATE SET documents = c.documents + excluded.documents;
                    RETURN NULL;
                END
                $$;
                CREATE FUNCTION document_domain_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO document_domain_counts AS c (domain, slot, documents)
                    SELECT m.domain, (pg_backend_pid() % 16)::smallint, m.delta
                      FROM (VALUES (COALESCE(OLD.source_domain, ''), -1), (COALESCE(NEW.source_domain, ''), 1)) AS m(domain, delta)
                     ORDER BY m.domain
                    ON CONFLICT (domain, slot) DO UPDATE SET documents = c.documents + excluded.documents;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER documents_count_domains_added AFTER INSERT ON documents REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION document_domain_counts_add();
                CREATE TRIGGER documents_count_domains_removed AFTER DELETE ON documents REFERENCING OLD TABLE AS removed
                    FOR EACH STATEMENT EXECUTE FUNCTION document_domain_counts_remove();
                CREATE TRIGGER documents_count_domains_moved AFTER UPDATE OF source_domain ON documents
                    FOR EACH ROW WHEN (OLD.source_domain IS DISTINCT FROM NEW.source_domain) EXECUTE FUNCTION document_domain_counts_move();
                INSERT INTO document_domain_counts (domain, slot, documents)
                SELECT COALESCE(source_domain, ''), 0, count(*) FROM documents GROUP BY 1;
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
