namespace Provenance.Contracts.Webhooks;

/// <param name="Url">Where events are POSTed: an absolute http or https URL of at most 2048 characters.</param>
/// <param name="EventTypes">What to receive: one or more of dataset.version.created, document.class.changed, dataset.base.reclassified.</param>
/// <param name="Description">Who the subscriber is, for the people who manage it (at most 200 characters).</param>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? EventTypes, string? Description = null);

/// <param name="Deliveries">How delivery to this subscriber stands.</param>
public sealed record WebhookResponse(long Id, string Url, IReadOnlyList<string> EventTypes, string? Description, DateTimeOffset CreatedAt,
    WebhookDeliveries Deliveries);

/// <param name="Pending">Events not yet accepted by the subscriber.</param>
/// <param name="Delivered">Events the subscriber accepted.</param>
/// <param name="LastError">Why the latest failed attempt of a pending event failed, if one did.</param>
/// <param name="LastDeliveredAt">When the subscriber last accepted an event.</param>
public sealed record WebhookDeliveries(long Pending, long Delivered, string? LastError, DateTimeOffset? LastDeliveredAt);

/// <summary>The new subscription's signing secret is shown once, here.</summary>
/// <param name="Secret">
/// The signing secret, <c>whsec_</c> and base64 (Standard Webhooks): the HMAC-SHA256 key is the base64 part decoded.
/// The registry keeps it, to sign with, but never shows it again.
/// </param>
public sealed record CreatedWebhookResponse(long Id, string Url, IReadOnlyList<string> EventTypes, string? Description, DateTimeOffset CreatedAt,
    string Secret);
