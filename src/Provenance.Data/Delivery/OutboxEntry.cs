using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Provenance.Data.Webhooks;

namespace Provenance.Data.Delivery;

/// <summary>
/// One message waiting to be delivered, or delivered: an OpenLineage run event, or a webhook event for one subscriber.
/// It is written in the transaction whose outcome it reports (a COMPLETE or a <c>dataset.version.created</c> with its
/// dataset version), so nothing is sent for what was not stored, and nothing is lost while a receiver is down.
/// <see cref="Outbox"/> claims, marks and postpones the rows of every destination with the same rules.
/// </summary>
public sealed class OutboxEntry
{
    public long Id { get; set; }

    /// <summary>Which sender delivers the row: <see cref="OutboxDestinations"/>.</summary>
    public string Destination { get; set; } = "";

    /// <summary>OpenLineage: the event's <c>run.runId</c>; with <see cref="EventType"/> it is what a receiver deduplicates on.</summary>
    public Guid? RunId { get; set; }

    /// <summary>Webhooks: the subscriber the row goes to. Deleting the subscription deletes its rows.</summary>
    public long? SubscriptionId { get; set; }

    public WebhookSubscription? Subscription { get; set; }

    /// <summary>Webhooks: the CloudEvents <c>id</c> and <c>webhook-id</c>, one per event and subscriber, the same on every retry.</summary>
    public Guid? EventId { get; set; }

    /// <summary>OpenLineage: START, COMPLETE or FAIL. Webhooks: the event type, such as <c>dataset.version.created</c>.</summary>
    public string EventType { get; set; } = "";

    /// <summary>What is sent, kept as written so that every retry sends the same bytes (webhooks: the event without its id and source).</summary>
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

internal sealed class OutboxEntryConfiguration : IEntityTypeConfiguration<OutboxEntry>
{
    public void Configure(EntityTypeBuilder<OutboxEntry> b)
    {
        b.ToTable("outbox", t => t.HasCheckConstraint("ck_outbox_destination", $"""
            (destination = '{OutboxDestinations.OpenLineage}' AND run_id IS NOT NULL AND event_type IN ('START', 'COMPLETE', 'FAIL'))
            OR (destination = '{OutboxDestinations.Webhook}' AND subscription_id IS NOT NULL AND event_id IS NOT NULL)
            """));
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).UseIdentityAlwaysColumn();
        b.Property(e => e.Destination).HasMaxLength(16);
        // OpenLineage: a run has one START and one end, and a FAIL written after its COMPLETE committed (an error after the
        // version was stored) is dropped. Partial, so that they say nothing about other destinations' rows.
        b.HasIndex(e => new { e.RunId, e.EventType }).IsUnique().HasFilter($"destination = '{OutboxDestinations.OpenLineage}'")
            .HasDatabaseName("ix_outbox_run_id_event_type");
        b.HasIndex(e => e.RunId).IsUnique().HasFilter($"destination = '{OutboxDestinations.OpenLineage}' AND event_type <> 'START'")
            .HasDatabaseName("ix_outbox_run_id_end");
        b.HasOne(e => e.Subscription).WithMany().HasForeignKey(e => e.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        b.Property(e => e.EventType).HasMaxLength(64);
        // json, not jsonb: the text is kept as written, so what is sent reads in the order the spec lists the fields.
        b.Property(e => e.Payload).HasColumnType("json");
        b.Property(e => e.Attempts).HasDefaultValue(0);
        b.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
        b.Property(e => e.NextAttemptAt).HasDefaultValueSql("now()");
        b.Property(e => e.LastError).HasMaxLength(1000);
        // A sender's only question: which unsent rows of its destination are due, oldest first.
        b.HasIndex(e => new { e.Destination, e.NextAttemptAt, e.Id }).HasFilter("sent_at IS NULL").HasDatabaseName("ix_outbox_due");
    }
}
