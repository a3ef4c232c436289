using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Provenance.Domain.Assertions;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AddDatasets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_documents_class",
                table: "documents");

            migrationBuilder.AddColumn<AssertionKind>(
                name: "decided_by",
                table: "documents",
                type: "assertion_kind",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source_domain",
                table: "documents",
                type: "character varying(253)",
                maxLength: 253,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "sample_key",
                table: "documents",
                type: "bigint",
                nullable: false,
                computedColumnSql: "(get_byte(content_hash, 0)::bigint << 56) | (get_byte(content_hash, 1)::bigint << 48) | (get_byte(content_hash, 2)::bigint << 40) | (get_byte(content_hash, 3)::bigint << 32) | (get_byte(content_hash, 4)::bigint << 24) | (get_byte(content_hash, 5)::bigint << 16) | (get_byte(content_hash, 6)::bigint << 8) | get_byte(content_hash, 7)::bigint",
                stored: true);

            // A document's source domain is the host of its first sighting's URI. RegistrationWriter calls the same
            // function for new documents; existing ones get it from their earliest sighting here.
            migrationBuilder.Sql("""
                CREATE FUNCTION source_domain_of(uri text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                    SELECT CASE WHEN h <> '' AND length(h) <= 253 THEN h END
                      FROM (SELECT regexp_replace(rtrim(lower(substring(uri FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\[[^]]*\]|[^:/?#]*)')), '.'),
                                                  '^www\.', '') AS h) x
                $$;
                UPDATE documents d SET source_domain = f.domain
                  FROM (SELECT DISTINCT ON (s.document_id) s.document_id, source_domain_of(s.uri) AS domain
                          FROM sightings s WHERE s.uri IS NOT NULL
                         ORDER BY s.document_id, s.crawled_at, s.uri) f
                 WHERE d.id = f.document_id AND f.domain IS NOT NULL;
                """);

            // Which kind of assertion decides each document's class (the precedence order of DerivedState, as of now).
            migrationBuilder.Sql("""
                UPDATE documents d SET decided_by = x.kind
                  FROM (SELECT DISTINCT ON (a.document_id) a.document_id, a.kind
                          FROM assertions a
                         ORDER BY a.document_id, CASE a.kind WHEN 'detector' THEN 1 WHEN 'declared' THEN 2 WHEN 'curator' THEN 3 END DESC,
                                  a.asserted_at DESC, a.id DESC) x
                 WHERE d.id = x.document_id;
                """);

            migrationBuilder.CreateTable(
                name: "dataset_version_documents",
                columns: table => new
                {
                    version_id = table.Column<long>(type: "bigint", nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    document_id = table.Column<long>(type: "bigint", nullable: false),
                    @class = table.Column<ProvenanceClass>(name: "class", type: "provenance_class", nullable: false),
                    counted_as = table.Column<ProvenanceClass>(type: "provenance_class", nullable: false),
                    generator_id = table.Column<int>(type: "integer", nullable: true),
                    depth = table.Column<int>(type: "integer", nullable: true),
                    token_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dataset_version_documents", x => new { x.version_id, x.ordinal });
                    table.CheckConstraint("ck_dataset_version_documents_ordinal", "ordinal >= 0");
                });

            migrationBuilder.CreateTable(
                name: "datasets",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_datasets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dataset_versions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    dataset_id = table.Column<int>(type: "integer", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    base_version_id = table.Column<long>(type: "bigint", nullable: true),
                    manifest_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    manifest = table.Column<string>(type: "text", nullable: false),
                    document_count = table.Column<long>(type: "bigint", nullable: false),
                    token_count = table.Column<long>(type: "bigint", nullable: false),
                    human_share = table.Column<double>(type: "double precision", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dataset_versions", x => x.id);
                    table.CheckConstraint("ck_dataset_versions_manifest_hash_length", "octet_length(manifest_hash) = 32");
                    table.CheckConstraint("ck_dataset_versions_number", "number >= 1");
                    table.ForeignKey(
                        name: "fk_dataset_versions_dataset_versions_base_version_id",
                        column: x => x.base_version_id,
                        principalTable: "dataset_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_dataset_versions_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            // A version a model was trained on must stay what it was: corrections are new versions. The document list
            // has no foreign keys (they would be checked row by row on a million-row write), so the documents it names
            // are protected here instead.
            migrationBuilder.Sql("""
                CREATE FUNCTION dataset_versions_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'dataset versions are immutable: % on % is not allowed; assemble a new version instead', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'restrict_violation';
                END
                $$;
                CREATE TRIGGER dataset_versions_immutable BEFORE UPDATE OR DELETE ON dataset_versions
                    FOR EACH ROW EXECUTE FUNCTION dataset_versions_are_immutable();
                CREATE TRIGGER dataset_versions_no_truncate BEFORE TRUNCATE ON dataset_versions
                    FOR EACH STATEMENT EXECUTE FUNCTION dataset_versions_are_immutable();
                CREATE TRIGGER dataset_version_documents_immutable BEFORE UPDATE OR DELETE ON dataset_version_documents
                    FOR EACH ROW EXECUTE FUNCTION dataset_versions_are_immutable();
                CREATE TRIGGER dataset_version_documents_no_truncate BEFORE TRUNCATE ON dataset_version_documents
                    FOR EACH STATEMENT EXECUTE FUNCTION dataset_versions_are_immutable();
                CREATE FUNCTION documents_in_dataset_versions_stay() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    held bigint;
                BEGIN
                    SELECT g.id INTO held FROM gone g WHERE g.id IN (SELECT v.document_id FROM dataset_version_documents v) LIMIT 1;
                    IF held IS NOT NULL THEN
                        RAISE EXCEPTION 'document % is in a dataset version and cannot be deleted', held
                            USING ERRCODE = 'restrict_violation';
                    END IF;
                    RETURN NULL;
                END
                $$;
                -- Once per statement, with the deleted rows as a table: one join, and no index on document_id to keep up.
                CREATE TRIGGER documents_in_dataset_versions AFTER DELETE ON documents REFERENCING OLD TABLE AS gone
                    FOR EACH STATEMENT EXECUTE FUNCTION documents_in_dataset_versions_stay();
                """);

            migrationBuilder.CreateIndex(
                name: "ix_documents_class_sample_key_id",
                table: "documents",
                columns: new[] { "class", "sample_key", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "content_hash", "token_count", "generator_id", "depth", "language", "licence", "first_seen", "source_domain", "decided_by" });

            migrationBuilder.CreateIndex(
                name: "ix_dataset_versions_base_version_id",
                table: "dataset_versions",
                column: "base_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_dataset_versions_dataset_id_number",
                table: "dataset_versions",
                columns: new[] { "dataset_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_dataset_versions_manifest_hash",
                table: "dataset_versions",
                column: "manifest_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_dataset_versions_request_id",
                table: "dataset_versions",
                column: "request_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_datasets_name",
                table: "datasets",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER documents_in_dataset_versions ON documents;
                DROP FUNCTION documents_in_dataset_versions_stay();
                DROP TRIGGER dataset_version_documents_no_truncate ON dataset_version_documents;
                DROP TRIGGER dataset_version_documents_immutable ON dataset_version_documents;
                DROP TRIGGER dataset_versions_no_truncate ON dataset_versions;
                DROP TRIGGER dataset_versions_immutable ON dataset_versions;
                DROP FUNCTION dataset_versions_are_immutable();
                """);

            migrationBuilder.DropTable(
                name: "dataset_version_documents");

            migrationBuilder.DropTable(
                name: "dataset_versions");

            migrationBuilder.DropTable(
                name: "datasets");

            migrationBuilder.DropIndex(
                name: "ix_documents_class_sample_key_id",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "sample_key",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "decided_by",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "source_domain",
                table: "documents");

            migrationBuilder.Sql("DROP FUNCTION source_domain_of(text);");

            migrationBuilder.CreateIndex(
                name: "ix_documents_class",
                table: "documents",
                column: "class");
        }
    }
}
