using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Provenance.Data.Webhooks;

/// <summary>
/// A receiver of webhook events, managed by admins. Its <see cref="Secret"/> is stored as it is, not hashed: the
/// sender needs it to sign every request. It leaves the registry once, in the answer that creates the subscription.
/// </summary>
public sealed class WebhookSubscription
{
    public const int MaxUrlLength = 2048;

    public const int MaxDescriptionLength = 200;

    public long Id { get; set; }

    public string Url { get; set; } = "";

    /// <summary><c>whsec_</c> and the base64 of the HMAC-SHA256 key (see <see cref="WebhookSignature"/>).</summary>
    public string Secret { get; set; } = "";

    /// <summary>The event types it receives (<c>Provenance.Contracts.Webhooks.WebhookEventTypes</c>).</summary>
    public string[] EventTypes { get; set; } = [];

    public string? Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.ToTable("webhook_subscriptions", t => t.HasCheckConstraint("ck_webhook_subscriptions_event_types", "cardinality(event_types) > 0"));
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).UseIdentityAlwaysColumn();
        b.Property(s => s.Url).HasMaxLength(WebhookSubscription.MaxUrlLength);
        b.Property(s => s.Secret).HasMaxLength(100);
        b.Property(s => s.Description).HasMaxLength(WebhookSubscription.MaxDescriptionLength);
        b.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
    }
}
