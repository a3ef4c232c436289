using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Provenance.Data.Generators;

namespace Provenance.Data.Documents;

internal sealed class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    /// <summary>The first 8 bytes of the content hash as a big-endian signed bigint, the same as <c>SampleKey.Of</c>.</summary>
    internal const string SampleKeySql =
        "(get_byte(content_hash, 0)::bigint << 56) | (get_byte(content_hash, 1)::bigint << 48) | (get_byte(content_hash, 2)::bigint << 40) "
        + "| (get_byte(content_hash, 3)::bigint << 32) | (get_byte(content_hash, 4)::bigint << 24) | (get_byte(content_hash, 5)::bigint << 16) "
        + "| (get_byte(content_hash, 6)::bigint << 8) | get_byte(content_hash, 7)::bigint";

    public void Configure(EntityTypeBuilder<Document> b)
    {
        b.ToTable("documents", t =>
        {
            t.HasCheckConstraint("ck_documents_content_hash_length", "octet_length(content_hash) = 32");
            t.HasCheckConstraint("ck_documents_depth", "depth IS NULL OR depth >= 0");
        });
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).UseIdentityAlwaysColumn();
        // Unique in document_hashes, not here: see DocumentHash.
        b.Property(d => d.ContentHash).IsRequired();
        b.Property(d => d.Language).HasMaxLength(35);
        b.Property(d => d.Licence).HasMaxLength(100);
        b.Property(d => d.Class).HasDefaultValue(Domain.Assertions.ProvenanceClass.Unknown);
        b.HasIndex(d => d.Depth);
        b.Property(d => d.SourceDomain).HasMaxLength(253);
        b.Property(d => d.SampleKey).HasComputedColumnSql(SampleKeySql, stored: true);
        // Dataset assembly reads "the next N keys from k" of one class, with the filters and everything a manifest
        // needs in the index itself, so a million-document mix is an index-only range scan, not a sort of the table.
        // It also serves everything the former index on class alone did.
        b.HasIndex(d => new { d.Class, d.SampleKey, d.Id })
            .IncludeProperties(d => new { d.ContentHash, d.TokenCount, d.GeneratorId, d.Depth, d.Language, d.Licence, d.FirstSeen, d.SourceDomain, d.DecidedBy });
        b.HasOne<Generator>().WithMany().HasForeignKey(d => d.GeneratorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DocumentHashConfiguration : IEntityTypeConfiguration<DocumentHash>
{
    public void Configure(EntityTypeBuilder<DocumentHash> b)
    {
        b.ToTable("document_hashes", t => t.HasCheckConstraint("ck_document_hashes_content_hash_length", "octet_length(content_hash) = 32"));
        b.HasKey(h => h.ContentHash);
        // No foreign key to documents: the two are partitioned on different columns (hash, id), and a distributed
        // engine keeps foreign keys only between tables partitioned alike. Registration writes both in one transaction.
    }
}

internal sealed class DocumentDomainCountConfiguration : IEntityTypeConfiguration<DocumentDomainCount>
{
    public void Configure(EntityTypeBuilder<DocumentDomainCount> b)
    {
        b.ToTable("document_domain_counts");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).UseIdentityAlwaysColumn();
        b.Property(c => c.Domain).HasMaxLength(253);
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

internal sealed class DocumentSearchVectorConfiguration : IEntityTypeConfiguration<DocumentSearchVector>
{
    public void Configure(EntityTypeBuilder<DocumentSearchVector> b)
    {
        // Keyed by document alone, as every by-document table is, so that it can be partitioned like them.
        b.ToTable("document_search");
        b.HasKey(v => v.DocumentId);
        b.Property(v => v.DocumentId).ValueGeneratedNever();
        b.HasIndex(v => v.Vector).HasMethod("gin");
        b.HasOne<Document>().WithOne().HasForeignKey<DocumentSearchVector>(v => v.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DocumentSearchProgressConfiguration : IEntityTypeConfiguration<DocumentSearchProgress>
{
    public void Configure(EntityTypeBuilder<DocumentSearchProgress> b)
    {
        b.ToTable("document_search_progress", t => t.HasCheckConstraint("ck_document_search_progress_one_row", "id = 1"));
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.HasData(new DocumentSearchProgress { Id = 1, IndexedThrough = 0 });
    }
}

internal sealed class SightingConfiguration : IEntityTypeConfiguration<Sighting>
{
    public void Configure(EntityTypeBuilder<Sighting> b)
    {
        b.ToTable("sightings");
        // Keys contain the partition column, document_id (Database:Partitions).
        b.HasKey(s => new { s.DocumentId, s.Id });
        b.Property(s => s.Id).UseIdentityAlwaysColumn();
        b.Property(s => s.Uri).HasMaxLength(2048);
        b.Property(s => s.Crawler).HasMaxLength(200);
        // One row per (document, URI, crawl time): a redelivered message or a retried request adds nothing.
        b.HasIndex(s => new { s.DocumentId, s.Uri, s.CrawledAt }).IsUnique().AreNullsDistinct(false);
        // Search by source URL is equality only; a hash index keeps each entry small however long the URI (a B-tree
        // entry must fit a third of a page) and is cheap to maintain on ingest.
        b.HasIndex(s => s.Uri).HasMethod("hash");
        b.HasOne<Document>().WithMany().HasForeignKey(s => s.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
