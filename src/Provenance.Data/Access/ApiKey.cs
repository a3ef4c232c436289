using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Provenance.Domain.Access;

namespace Provenance.Data.Access;

/// <summary>
/// A client's credential. The secret itself is never stored: see <see cref="ApiKeyHashes"/> for how it is hashed.
/// </summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public ApiRole Role { get; set; }

    /// <summary>The SHA-256 of a generated key, or the PBKDF2 hash of a chosen one (when <see cref="KeySalt"/> is set).</summary>
    public byte[] KeyHash { get; set; } = [];

    /// <summary>The per-key salt of a key a person chose (the bootstrap key); null for a generated key.</summary>
    public byte[]? KeySalt { get; set; }

    /// <summary>
    /// The public part of a generated key (<c>pvk_</c> and its id), so people can tell keys apart; it holds no character
    /// of the secret. Empty for a chosen key, which has no public part.
    /// </summary>
    public string Prefix { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).UseIdentityAlwaysColumn();
        b.Property(k => k.Name).HasMaxLength(KeyNames.MaxLength);
        b.HasIndex(k => k.Name).IsUnique();
        b.HasIndex(k => k.KeyHash).IsUnique();
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.CreatedAt).HasDefaultValueSql("now()");
    }
}
