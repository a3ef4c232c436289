using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Provenance.Data.Documents;
using Provenance.Data.Generators;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Lineage;

/// <summary>Child was derived from parent by <see cref="Relation"/>, by a generator, with optional parameters.</summary>
public sealed class LineageEdge
{
    public long ChildId { get; set; }
    public long ParentId { get; set; }
    public LineageRelation Relation { get; set; }
    public int? GeneratorId { get; set; }

    /// <summary>A hash of the prompt or generation parameters, when the registrant gave one.</summary>
    public string? ParamsHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// An edge whose parent is named by content hash but not registered yet. When a document with that hash
/// arrives the edge becomes a <see cref="LineageEdge"/> and the depths below it are recomputed.
/// </summary>
public sealed class PendingEdge
{
    public long Id { get; set; }
    public long ChildId { get; set; }
    public byte[] ParentContentHash { get; set; } = [];
    public LineageRelation Relation { get; set; }
    public int? GeneratorId { get; set; }
    public string? ParamsHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class LineageEdgeConfiguration : IEntityTypeConfiguration<LineageEdge>
{
    public void Configure(EntityTypeBuilder<LineageEdge> b)
    {
        b.ToTable("lineage_edges", t => t.HasCheckConstraint("ck_lineage_edges_no_self_loop", "child_id <> parent_id"));
        b.HasKey(e => new { e.ChildId, e.ParentId, e.Relation });
        // The primary key serves ancestor walks (child -> parents); this index serves descendant walks.
        b.HasIndex(e => e.ParentId);
        b.Property(e => e.ParamsHash).HasMaxLength(128);
        b.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Document>().WithMany().HasForeignKey(e => e.ChildId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Document>().WithMany().HasForeignKey(e => e.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Generator>().WithMany().HasForeignKey(e => e.GeneratorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PendingEdgeConfiguration : IEntityTypeConfiguration<PendingEdge>
{
    public void Configure(EntityTypeBuilder<PendingEdge> b)
    {
        b.ToTable("pending_edges", t => t.HasCheckConstraint("ck_pending_edges_hash_length", "octet_length(parent_content_hash) = 32"));
        // Keys contain the partition column, child_id (Database:Partitions).
        b.HasKey(e => new { e.ChildId, e.Id });
        b.Property(e => e.Id).UseIdentityAlwaysColumn();
        b.HasIndex(e => new { e.ChildId, e.ParentContentHash, e.Relation }).IsUnique();
        b.HasIndex(e => e.ParentContentHash);
        b.Property(e => e.ParamsHash).HasMaxLength(128);
        b.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Document>().WithMany().HasForeignKey(e => e.ChildId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Generator>().WithMany().HasForeignKey(e => e.GeneratorId).OnDelete(DeleteBehavior.Restrict);
    }
}
