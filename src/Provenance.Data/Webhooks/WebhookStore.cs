using Microsoft.EntityFrameworkCore;
using Provenance.Contracts.Webhooks;
using Provenance.Data.Delivery;

namespace Provenance.Data.Webhooks;

/// <summary>Creates, lists and deletes webhook subscriptions. The secret leaves this class once, at creation.</summary>
public sealed class WebhookStore(RegistryDbContext db, TimeProvider clock)
{
    public async Task<WebhookSubscription> CreateAsync(string url, IReadOnlyList<string> eventTypes, string? description, CancellationToken ct)
    {
        var subscription = new WebhookSubscription
        {
            Url = url, Secret = WebhookSignature.NewSecret(), EventTypes = [.. eventTypes], Description = description, CreatedAt = clock.GetUtcNow(),
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        return subscription;
    }

    /// <summary>Every subscription, without its secret, with how delivery to it stands.</summary>
    public async Task<List<WebhookResponse>> ListAsync(CancellationToken ct)
    {
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct);
        var deliveries = await db.Outbox.AsNoTracking()
            .Where(o => o.Destination == OutboxDestinations.Webhook)
            .GroupBy(o => o.SubscriptionId)
            .Select(g => new
            {
                Id = g.Key,
                Pending = g.LongCount(o => o.SentAt == null),
                Delivered = g.LongCount(o => o.SentAt != null),
                LastDeliveredAt = g.Max(o => o.SentAt),
                LastError = g.Where(o => o.SentAt == null && o.LastError != null).OrderByDescending(o => o.Id).Select(o => o.LastError).FirstOrDefault(),
            })
            .ToDictionaryAsync(d => d.Id!.Value, ct);
        return [.. subscriptions.Select(s => ToResponse(s, deliveries.TryGetValue(s.Id, out var d)
            ? new WebhookDeliveries(d.Pending, d.Delivered, d.LastError, d.LastDeliveredAt)
            : new WebhookDeliveries(0, 0, null, null)))];
    }

    /// <summary>Deletes subscription <paramref name="id"/> and, with it, its events not yet delivered; false when there is none.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken ct) =>
        await db.WebhookSubscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(ct) > 0;

    public static WebhookResponse ToResponse(WebhookSubscription s, WebhookDeliveries deliveries) =>
        new(s.Id, s.Url, s.EventTypes, s.Description, s.CreatedAt, deliveries);
}
