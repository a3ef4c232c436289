using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Provenance.Domain.Access;

namespace Provenance.Data.Access;

/// <summary>
/// A client's credential. Only the SHA-256 of the secret is stored: keys are 256-bit random values, so a fast
/// hash is as strong as a slow one here, and lookups stay one index probe.
/// </summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public ApiRole Role { get; set; }
    public byte[] KeyHash { get; set; } = [];

    /// <summary>The first characters of the key, so people can tell keys apart without the secret.</summary>
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
        b.Property(k => k.Name).HasMaxLength(100);
        b.HasIndex(k => k.Name).IsUnique();
        b.HasIndex(k => k.KeyHash).IsUnique();
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.CreatedAt).HasDefaultValueSql("now()");
    }
}
