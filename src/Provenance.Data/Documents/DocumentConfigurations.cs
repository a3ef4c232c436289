using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Provenance.Data.Generators;

namespace Provenance.Data.Documents;

internal sealed class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> b)
    {
        b.ToTable("documents", t =>
        {
            t.HasCheckConstraint("ck_documents_content_hash_length", "octet_length(content_hash) = 32");
            t.HasCheckConstraint("ck_documents_depth", "depth IS NULL OR depth >= 0");
        });
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).UseIdentityAlwaysColumn();
        b.Property(d => d.ContentHash).IsRequired();
        b.HasIndex(d => d.ContentHash).IsUnique();
        b.Property(d => d.Language).HasMaxLength(35);
        b.Property(d => d.Licence).HasMaxLength(100);
        b.Property(d => d.Class).HasDefaultValue(Domain.Assertions.ProvenanceClass.Unknown);
        b.HasIndex(d => d.Class);
        b.HasIndex(d => d.Depth);
        b.HasOne<Generator>().WithMany().HasForeignKey(d => d.GeneratorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DocumentTextConfiguration : IEntityTypeConfiguration<DocumentText>
{
    public void Configure(EntityTypeBuilder<DocumentText> b)
    {
        b.ToTable("document_texts");
        b.HasKey(t => t.DocumentId);
        b.Property(t => t.DocumentId).ValueGeneratedNever();
        b.HasOne<Document>().WithOne().HasForeignKey<DocumentText>(t => t.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SightingConfiguration : IEntityTypeConfiguration<Sighting>
{
    public void Configure(EntityTypeBuilder<Sighting> b)
    {
        b.ToTable("sightings");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).UseIdentityAlwaysColumn();
        b.Property(s => s.Uri).HasMaxLength(2048);
        b.Property(s => s.Crawler).HasMaxLength(200);
        // One row per (document, URI, crawl time): a redelivered message or a retried request adds nothing.
        b.HasIndex(s => new { s.DocumentId, s.Uri, s.CrawledAt }).IsUnique().AreNullsDistinct(false);
        b.HasOne<Document>().WithMany().HasForeignKey(s => s.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
