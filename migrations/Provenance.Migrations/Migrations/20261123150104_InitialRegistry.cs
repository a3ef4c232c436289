using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Provenance.Domain.Access;
using Provenance.Domain.Assertions;
using Provenance.Domain.Lineage;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class InitialRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:api_role", "admin,crawler,curator,trainer")
                .Annotation("Npgsql:Enum:assertion_kind", "curator,declared,detector")
                .Annotation("Npgsql:Enum:lineage_relation", "augmented_from,distilled_from,edited_from,generated_from,paraphrase_of,summary_of,translation_of")
                .Annotation("Npgsql:Enum:provenance_class", "human,mixed,synthetic,unknown");

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    role = table.Column<ApiRole>(type: "api_role", nullable: false),
                    key_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "generators",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    version = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    vendor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    family = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_generators", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "documents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    content_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    char_count = table.Column<int>(type: "integer", nullable: false),
                    token_count = table.Column<int>(type: "integer", nullable: false),
                    language = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: true),
                    licence = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    first_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    @class = table.Column<ProvenanceClass>(name: "class", type: "provenance_class", nullable: false, defaultValue: ProvenanceClass.Unknown),
                    generator_id = table.Column<int>(type: "integer", nullable: true),
                    depth = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_documents", x => x.id);
                    table.CheckConstraint("ck_documents_content_hash_length", "octet_length(content_hash) = 32");
                    table.CheckConstraint("ck_documents_depth", "depth IS NULL OR depth >= 0");
                    table.ForeignKey(
                        name: "fk_documents_generators_generator_id",
                        column: x => x.generator_id,
                        principalTable: "generators",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "assertions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    document_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<AssertionKind>(type: "assertion_kind", nullable: false),
                    asserted_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    @class = table.Column<ProvenanceClass>(name: "class", type: "provenance_class", nullable: false),
                    confidence = table.Column<double>(type: "double precision", nullable: true),
                    generator_id = table.Column<int>(type: "integer", nullable: true),
                    evidence = table.Column<string>(type: "jsonb", nullable: true),
                    asserted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assertions", x => x.id);
                    table.CheckConstraint("ck_assertions_confidence", "confidence IS NULL OR (confidence >= 0 AND confidence <= 1)");
                    table.ForeignKey(
                        name: "fk_assertions_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_assertions_generators_generator_id",
                        column: x => x.generator_id,
                        principalTable: "generators",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "document_texts",
                columns: table => new
                {
                    document_id = table.Column<long>(type: "bigint", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_texts", x => x.document_id);
                    table.ForeignKey(
                        name: "fk_document_texts_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "lineage_edges",
                columns: table => new
                {
                    child_id = table.Column<long>(type: "bigint", nullable: false),
                    parent_id = table.Column<long>(type: "bigint", nullable: false),
                    relation = table.Column<LineageRelation>(type: "lineage_relation", nullable: false),
                    generator_id = table.Column<int>(type: "integer", nullable: true),
                    params_hash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lineage_edges", x => new { x.child_id, x.parent_id, x.relation });
                    table.CheckConstraint("ck_lineage_edges_no_self_loop", "child_id <> parent_id");
                    table.ForeignKey(
                        name: "fk_lineage_edges_documents_child_id",
                        column: x => x.child_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_lineage_edges_documents_parent_id",
                        column: x => x.parent_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_lineage_edges_generators_generator_id",
                        column: x => x.generator_id,
                        principalTable: "generators",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "pending_edges",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    child_id = table.Column<long>(type: "bigint", nullable: false),
                    parent_content_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    relation = table.Column<LineageRelation>(type: "lineage_relation", nullable: false),
                    generator_id = table.Column<int>(type: "integer", nullable: true),
                    params_hash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pending_edges", x => x.id);
                    table.CheckConstraint("ck_pending_edges_hash_length", "octet_length(parent_content_hash) = 32");
                    table.ForeignKey(
                        name: "fk_pending_edges_documents_child_id",
                        column: x => x.child_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_pending_edges_generators_generator_id",
                        column: x => x.generator_id,
                        principalTable: "generators",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sightings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    document_id = table.Column<long>(type: "bigint", nullable: false),
                    uri = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    crawled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    crawler = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sightings", x => x.id);
                    table.ForeignKey(
                        name: "fk_sightings_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Assertions are evidence: a wrong one is answered by a newer one, never edited away.
            migrationBuilder.Sql("""
                CREATE FUNCTION assertions_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'assertions are append-only: % is not allowed; add a newer assertion instead', TG_OP
                        USING ERRCODE = 'restrict_violation';
                END
                $$;
                CREATE TRIGGER assertions_append_only BEFORE UPDATE OR DELETE ON assertions
                    FOR EACH ROW EXECUTE FUNCTION assertions_are_append_only();
                CREATE TRIGGER assertions_no_truncate BEFORE TRUNCATE ON assertions
                    FOR EACH STATEMENT EXECUTE FUNCTION assertions_are_append_only();
                """);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_key_hash",
                table: "api_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_name",
                table: "api_keys",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_assertions_document_id_kind_asserted_at",
                table: "assertions",
                columns: new[] { "document_id", "kind", "asserted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_assertions_generator_id",
                table: "assertions",
                column: "generator_id");

            migrationBuilder.CreateIndex(
                name: "ix_documents_class",
                table: "documents",
                column: "class");

            migrationBuilder.CreateIndex(
                name: "ix_documents_content_hash",
                table: "documents",
                column: "content_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_documents_depth",
                table: "documents",
                column: "depth");

            migrationBuilder.CreateIndex(
                name: "ix_documents_generator_id",
                table: "documents",
                column: "generator_id");

            migrationBuilder.CreateIndex(
                name: "ix_generators_name_version",
                table: "generators",
                columns: new[] { "name", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_lineage_edges_generator_id",
                table: "lineage_edges",
                column: "generator_id");

            migrationBuilder.CreateIndex(
                name: "ix_lineage_edges_parent_id",
                table: "lineage_edges",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ix_pending_edges_child_id_parent_content_hash_relation",
                table: "pending_edges",
                columns: new[] { "child_id", "parent_content_hash", "relation" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_pending_edges_generator_id",
                table: "pending_edges",
                column: "generator_id");

            migrationBuilder.CreateIndex(
                name: "ix_pending_edges_parent_content_hash",
                table: "pending_edges",
                column: "parent_content_hash");

            migrationBuilder.CreateIndex(
                name: "ix_sightings_document_id_uri_crawled_at",
                table: "sightings",
                columns: new[] { "document_id", "uri", "crawled_at" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER assertions_no_truncate ON assertions;
                DROP TRIGGER assertions_append_only ON assertions;
                DROP FUNCTION assertions_are_append_only();
                """);

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "assertions");

            migrationBuilder.DropTable(
                name: "document_texts");

            migrationBuilder.DropTable(
                name: "lineage_edges");

            migrationBuilder.DropTable(
                name: "pending_edges");

            migrationBuilder.DropTable(
                name: "sightings");

            migrationBuilder.DropTable(
                name: "documents");

            migrationBuilder.DropTable(
                name: "generators");
        }
    }
}
