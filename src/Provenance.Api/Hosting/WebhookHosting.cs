using Provenance.Api.Webhooks;
using Provenance.Data.Webhooks;
using Provenance.Hosting.Settings;

namespace Provenance.Api.Hosting;

internal static class WebhookHosting
{
    /// <summary>
    /// Webhooks (the <c>Webhooks</c> section): the subscriptions' store, and the sender that drains their rows of the
    /// outbox. The events themselves are written where what they report is (assemblies, assertions), in its transaction.
    /// </summary>
    public static IHostApplicationBuilder AddRegistryWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<WebhookOptions>(WebhookOptions.Section, WebhookOptions.Check);
        builder.Services.AddScoped<WebhookStore>();
        // The sender applies its own timeout per request; redirects are not followed, so a signed event goes only where
        // the admin said.
        builder.Services.AddHttpClient(nameof(WebhookDelivery), c => c.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        builder.Services.AddHostedService<WebhookDelivery>();
        return builder;
    }
}
