using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Provenance.Data.OpenLineage;

/// <summary>
/// One OpenLineage run event waiting to be delivered, or delivered. It is written in the transaction whose outcome it
/// reports (a COMPLETE with its dataset version), so an event is never sent for a version that was not stored, and
/// nothing is lost while the receiver is down; <see cref="LineageOutbox"/> reads and marks the rows.
/// </summary>
public sealed class LineageOutboxEntry
{
    public long Id { get; set; }

    /// <summary>The event's <c>run.runId</c>; with <see cref="EventType"/> it is what a receiver deduplicates on.</summary>
    public Guid RunId { get; set; }

    /// <summary>START, COMPLETE or FAIL.</summary>
    public string EventType { get; set; } = "";

    /// <summary>The whole event, exactly as it is sent (every retry sends the same bytes).</summary>
    public string Payload { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Delivery attempts so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the row may next be tried: after a failure, its backoff; while a sender holds it, the end of its lease.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Null until the receiver accepted the event.</summary>
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Why the last attempt failed.</summary>
    public string? LastError { get; set; }
}

internal sealed class LineageOutboxEntryConfiguration : IEntityTypeConfiguration<LineageOutboxEntry>
{
    public void Configure(EntityTypeBuilder<LineageOutboxEntry> b)
    {
        b.ToTable("lineage_outbox", t => t.HasCheckConstraint("ck_lineage_outbox_event_type", "event_type IN ('START', 'COMPLETE', 'FAIL')"));
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).UseIdentityAlwaysColumn();
        b.HasIndex(e => new { e.RunId, e.EventType }).IsUnique();
        // A run ends once: a FAIL written after its COMPLETE committed (an error after the version was stored) is dropped.
        b.HasIndex(e => e.RunId).IsUnique().HasFilter("event_type <> 'START'").HasDatabaseName("ix_lineage_outbox_run_id_end");
        b.Property(e => e.EventType).HasMaxLength(16);
        // json, not jsonb: the text is kept as written, so what is sent reads in the order the spec lists the fields.
        b.Property(e => e.Payload).HasColumnType("json");
        b.Property(e => e.Attempts).HasDefaultValue(0);
        b.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
        b.Property(e => e.NextAttemptAt).HasDefaultValueSql("now()");
        b.Property(e => e.LastError).HasMaxLength(1000);
        // The sender's only question: which unsent rows are due, oldest first.
        b.HasIndex(e => new { e.NextAttemptAt, e.Id }).HasFilter("sent_at IS NULL");
    }
}
