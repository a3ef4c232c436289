using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Provenance.Data.Generators;

/// <summary>A model that writes text: <c>name@version</c>, with an optional vendor and family.</summary>
public sealed class Generator
{
    public int Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>Empty when the registrant did not know the version.</summary>
    public string Version { get; set; } = "";

    public string? Vendor { get; set; }
    public string? Family { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class GeneratorConfiguration : IEntityTypeConfiguration<Generator>
{
    public void Configure(EntityTypeBuilder<Generator> b)
    {
        b.ToTable("generators");
        b.HasKey(g => g.Id);
        b.Property(g => g.Id).UseIdentityAlwaysColumn();
        b.Property(g => g.Name).HasMaxLength(200);
        b.Property(g => g.Version).HasMaxLength(200);
        b.Property(g => g.Vendor).HasMaxLength(200);
        b.Property(g => g.Family).HasMaxLength(200);
        b.Property(g => g.CreatedAt).HasDefaultValueSql("now()");
        b.HasIndex(g => new { g.Name, g.Version }).IsUnique();
    }
}
