using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Provenance.Migrations.Migrations
{
    /// <summary>
    /// Chosen keys (the bootstrap key) get a salt of their own for their slow hash, and the listed prefix of every
    /// existing key is cut to its first 4 characters: it held 12, most of them characters of the secret.
    /// </summary>
    public partial class SaltChosenKeysAndShortenKeyPrefixes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "key_salt",
                table: "api_keys",
                type: "bytea",
                nullable: true);

            migrationBuilder.Sql("UPDATE api_keys SET prefix = left(prefix, 4) WHERE length(prefix) > 4;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // A salted key cannot be checked without its salt: revoke it rather than leave a key that never verifies.
            migrationBuilder.Sql("UPDATE api_keys SET revoked_at = now() WHERE key_salt IS NOT NULL AND revoked_at IS NULL;");

            migrationBuilder.DropColumn(
                name: "key_salt",
                table: "api_keys");
        }
    }
}
