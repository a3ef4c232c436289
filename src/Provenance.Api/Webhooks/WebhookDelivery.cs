using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Mime;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Provenance.Api.Delivery;
using Provenance.Contracts.Webhooks;
using Provenance.Data;
using Provenance.Data.Delivery;
using Provenance.Data.Webhooks;

namespace Provenance.Api.Webhooks;

/// <summary>
/// Drains the webhooks' rows of the outbox (<see cref="OutboxDelivery"/>): each row is one event for one subscriber,
/// POSTed as a CloudEvents 1.0 structured-mode JSON body and signed as Standard Webhooks says (<see cref="WebhookSignature"/>).
/// Each subscriber is a queue of its own: one that fails holds back only its own rows, so it never delays another. The <c>webhook-id</c> and the
/// CloudEvents <c>id</c> are the row's event id, the same on every retry: the receiver's idempotency key.
/// </summary>
internal sealed class WebhookDelivery(Outbox outbox, IHttpClientFactory clients, IServiceScopeFactory scopes, IOptions<WebhookOptions> options,
    ILogger<WebhookDelivery> logger)
    : OutboxDelivery(outbox, OutboxDestinations.Webhook, options.Value, queueOf: row => row.SubscriptionId!.Value, logger)
{
    static readonly JsonEventFormatter Formatter = new();

    protected override async Task SendAsync(ClaimedOutboxRow row, CancellationToken ct)
    {
        if (await SubscriberAsync(row.SubscriptionId!.Value, ct) is not var (url, secret))
        {
            return; // deleted since the claim, and its rows with it
        }
        var body = Body(row, options.Value.Source);
        var id = row.EventId!.Value.ToString();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json") { CharSet = "utf-8" };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, id, timestamp, body));
        using var response = await clients.CreateClient(nameof(WebhookDelivery)).SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            var answer = await response.Content.ReadAsStringAsync(ct);
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode}: {answer[..Math.Min(answer.Length, 300)]}", null, response.StatusCode);
        }
    }

    /// <summary>The CloudEvent a row stands for, encoded: the same bytes on every retry while the source stays the same.</summary>
    internal static byte[] Body(ClaimedOutboxRow row, string source)
    {
        var stored = WebhookOutbox.Read(row.Payload);
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = row.EventId!.Value.ToString(),
            Source = new Uri(source, UriKind.RelativeOrAbsolute),
            Type = WebhookEventTypes.CloudEventsPrefix + row.EventType,
            Time = stored.Time,
            Subject = stored.Subject,
            DataContentType = MediaTypeNames.Application.Json,
            Data = stored.Data,
        };
        return Formatter.EncodeStructuredModeMessage(cloudEvent, out _).ToArray();
    }

    async Task<(string Url, string Secret)?> SubscriberAsync(long id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var found = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Id == id).Select(s => new { s.Url, s.Secret }).SingleOrDefaultAsync(ct);
        return found is null ? null : (found.Url, found.Secret);
    }
}
