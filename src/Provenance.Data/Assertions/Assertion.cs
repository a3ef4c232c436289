using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Provenance.Data.Documents;
using Provenance.Data.Generators;
using Provenance.Domain.Assertions;

namespace Provenance.Data.Assertions;

/// <summary>
/// One statement about what a document is. Assertions are append-only (a trigger refuses UPDATE and DELETE);
/// the document's class is derived from them and can always be explained by its history.
/// </summary>
public sealed class Assertion
{
    public long Id { get; set; }
    public long DocumentId { get; set; }
    public AssertionKind Kind { get; set; }

    /// <summary>Who asserted: the crawler id, <c>model@version</c> of a detector, or the curator's key name.</summary>
    public string AssertedBy { get; set; } = "";

    public ProvenanceClass Class { get; set; }

    /// <summary>0..1; null when the asserter gave none.</summary>
    public double? Confidence { get; set; }

    public int? GeneratorId { get; set; }

    /// <summary>JSON: an IPTC digitalSourceType URI, detector scores, segment scores, a curator's note.</summary>
    public string? Evidence { get; set; }

    public DateTimeOffset AssertedAt { get; set; }
}

internal sealed class AssertionConfiguration : IEntityTypeConfiguration<Assertion>
{
    public void Configure(EntityTypeBuilder<Assertion> b)
    {
        b.ToTable("assertions", t =>
            t.HasCheckConstraint("ck_assertions_confidence", "confidence IS NULL OR (confidence >= 0 AND confidence <= 1)"));
        // Keys contain the partition column, document_id (Database:Partitions).
        b.HasKey(a => new { a.DocumentId, a.Id });
        b.Property(a => a.Id).UseIdentityAlwaysColumn();
        b.Property(a => a.AssertedBy).HasMaxLength(200);
        b.Property(a => a.Evidence).HasColumnType("jsonb");
        b.Property(a => a.AssertedAt).HasDefaultValueSql("now()");
        b.HasIndex(a => new { a.DocumentId, a.Kind, a.AssertedAt });
        b.HasOne<Document>().WithMany().HasForeignKey(a => a.DocumentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Generator>().WithMany().HasForeignKey(a => a.GeneratorId).OnDelete(DeleteBehavior.Restrict);
    }
}
