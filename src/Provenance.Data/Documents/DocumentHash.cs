namespace Provenance.Data.Documents;

/// <summary>
/// The one place a content hash is unique: which document holds each normalized text. Registration claims a hash here
/// before it writes the document, and every lookup by hash reads it. It is its own table, keyed by the hash, because
/// a unique key of a partitioned (or distributed) table must contain the partition column: <c>documents</c> is
/// partitioned by id, so a unique index on its hash could only be unique within one partition (docs/operations.md,
/// Database:Partitions).
/// </summary>
public sealed class DocumentHash
{
    /// <summary>SHA-256 of the normalized UTF-8 text (32 bytes), the same as <see cref="Document.ContentHash"/>.</summary>
    public byte[] ContentHash { get; set; } = [];

    public long DocumentId { get; set; }
}
