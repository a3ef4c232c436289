using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Provenance.Domain.Assertions;

namespace Provenance.Data.Datasets;

/// <summary>A named chain of dataset versions, such as <c>web-en</c>.</summary>
public sealed class Dataset
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One immutable dataset version: its manifest (without the document list, which is in
/// <see cref="DatasetVersionDocument"/>) and the hash of the full canonical manifest. A trigger refuses UPDATE,
/// DELETE and TRUNCATE: a version a model was trained on must stay what it was.
/// </summary>
public sealed class DatasetVersion
{
    public long Id { get; set; }
    public int DatasetId { get; set; }

    /// <summary>1, 2, … within the dataset.</summary>
    public int Number { get; set; }

    public long? BaseVersionId { get; set; }

    /// <summary>SHA-256 of the canonical manifest (32 bytes).</summary>
    public byte[] ManifestHash { get; set; } = [];

    /// <summary>The canonical manifest without its last member, documents: exactly the bytes that were hashed.</summary>
    public string Manifest { get; set; } = "";

    public long DocumentCount { get; set; }
    public long TokenCount { get; set; }

    /// <summary>In the spec's unit, as the manifest reports it.</summary>
    public double HumanShare { get; set; }

    /// <summary>The bus request that made the version, so that a redelivered request finds it.</summary>
    public Guid? RequestId { get; set; }

    public string RequestedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A document of a version, at its position, with the facts the version counted it by (they are frozen here, so
/// exports of the version stay the same when the registry learns more about the document later).
/// </summary>
public sealed class DatasetVersionDocument
{
    public long VersionId { get; set; }

    /// <summary>Position in the version, from 0: the base's documents first, in their order.</summary>
    public int Ordinal { get; set; }

    public long DocumentId { get; set; }

    /// <summary>The registry's class when the version was assembled.</summary>
    public ProvenanceClass Class { get; set; }

    /// <summary>The class the version's shares count it as.</summary>
    public ProvenanceClass CountedAs { get; set; }

    public int? GeneratorId { get; set; }
    public int? Depth { get; set; }
    public int TokenCount { get; set; }
}

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> b)
    {
        b.ToTable("datasets");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).UseIdentityAlwaysColumn();
        b.Property(d => d.Name).HasMaxLength(100);
        b.HasIndex(d => d.Name).IsUnique();
        b.Property(d => d.CreatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class DatasetVersionConfiguration : IEntityTypeConfiguration<DatasetVersion>
{
    public void Configure(EntityTypeBuilder<DatasetVersion> b)
    {
        b.ToTable("dataset_versions", t =>
        {
            t.HasCheckConstraint("ck_dataset_versions_manifest_hash_length", "octet_length(manifest_hash) = 32");
            t.HasCheckConstraint("ck_dataset_versions_number", "number >= 1");
        });
        b.HasKey(v => v.Id);
        b.Property(v => v.Id).UseIdentityAlwaysColumn();
        b.HasIndex(v => new { v.DatasetId, v.Number }).IsUnique();
        b.HasIndex(v => v.ManifestHash).IsUnique();
        b.HasIndex(v => v.RequestId).IsUnique();
        b.HasIndex(v => v.BaseVersionId);
        b.Property(v => v.Manifest).HasColumnType("text");
        b.Property(v => v.RequestedBy).HasMaxLength(200);
        b.Property(v => v.CreatedAt).HasDefaultValueSql("now()");
        b.HasOne<Dataset>().WithMany().HasForeignKey(v => v.DatasetId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<DatasetVersion>().WithMany().HasForeignKey(v => v.BaseVersionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DatasetVersionDocumentConfiguration : IEntityTypeConfiguration<DatasetVersionDocument>
{
    public void Configure(EntityTypeBuilder<DatasetVersionDocument> b)
    {
        b.ToTable("dataset_version_documents", t => t.HasCheckConstraint("ck_dataset_version_documents_ordinal", "ordinal >= 0"));
        b.HasKey(d => new { d.VersionId, d.Ordinal });
        // No foreign keys and no second index, on purpose: PostgreSQL checks foreign keys row by row, and a unique
        // index on (version, document) is filled in random order; together they made writing a million-document version
        // take longer than selecting it. Rows are written only by DatasetVersionWriter, in the transaction that creates
        // their version, from documents the assembly has just read, and that transaction checks that no document is in
        // it twice. After the commit nothing can change them: triggers refuse updating or deleting a version, and
        // deleting a document that any version holds.
        b.Property(d => d.GeneratorId);
    }
}
