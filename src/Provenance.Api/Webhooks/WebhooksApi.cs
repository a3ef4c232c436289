using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Access;
using Provenance.Api.Hosting;
using Provenance.Contracts.Webhooks;
using Provenance.Data.Webhooks;
using Provenance.Domain;
using Provenance.Domain.Access;

namespace Provenance.Api.Webhooks;

internal static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/webhooks").WithTags("Webhooks").RequirePermission(Permission.ManageWebhooks).WithAccessProblems();
        group.MapPost("/", CreateWebhook).WithName(nameof(CreateWebhook))
            .WithSummary("Subscribe a URL to webhook events (admin). The signing secret is returned once.")
            .WithDescription("Events are POSTed as CloudEvents 1.0 (structured JSON), signed as Standard Webhooks says, and retried until the "
                + "subscriber answers 2xx, with the same webhook-id on every try. Event types: " + string.Join(", ", WebhookEventTypes.All) + ".")
            .ProducesProblem(StatusCodes.Status400BadRequest).WithBodyLimit(BodyLimit.Small);
        group.MapGet("/", ListWebhooks).WithName(nameof(ListWebhooks))
            .WithSummary("List webhook subscriptions, without their secrets, with how delivery to each stands (admin).");
        group.MapDelete("/{id:long}", DeleteWebhook).WithName(nameof(DeleteWebhook))
            .WithSummary("Delete a webhook subscription and the events not yet delivered to it (admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    static async Task<Results<Created<CreatedWebhookResponse>, ProblemHttpResult>> CreateWebhook(
        CreateWebhookRequest request, WebhookStore store, CancellationToken ct)
    {
        var url = request.Url?.Trim();
        if (StoredValues.Line("url", url) is not null || string.IsNullOrEmpty(url) || url.Length > WebhookSubscription.MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            return Problems.Invalid($"url must be an absolute http or https URL of at most {WebhookSubscription.MaxUrlLength} characters, "
                + "such as https://trainer.example.org/hooks/provenance.", "invalid_webhook_url");
        }
        var types = request.EventTypes?.Select(t => t?.Trim() ?? "").Distinct().ToList() ?? [];
        if (types.Count == 0)
        {
            return Problems.Invalid($"eventTypes is empty; list one or more of: {string.Join(", ", WebhookEventTypes.All)}.", "invalid_event_type");
        }
        if (types.FirstOrDefault(t => !WebhookEventTypes.All.Contains(t)) is { } unknown)
        {
            return Problems.Invalid($"event type '{unknown}' is not one of: {string.Join(", ", WebhookEventTypes.All)}.", "invalid_event_type");
        }
        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        if (StoredValues.Line("description", description) is { } unstorable)
        {
            return Problems.Invalid(unstorable, "invalid_webhook_description");
        }
        if (description is { Length: > WebhookSubscription.MaxDescriptionLength })
        {
            return Problems.Invalid($"description has {description.Length} characters; at most {WebhookSubscription.MaxDescriptionLength} are kept.",
                "invalid_webhook_description");
        }
        var s = await store.CreateAsync(url, types, description, ct);
        return TypedResults.Created($"/v1/webhooks/{s.Id}", new CreatedWebhookResponse(s.Id, s.Url, s.EventTypes, s.Description, s.CreatedAt, s.Secret));
    }

    static async Task<Ok<List<WebhookResponse>>> ListWebhooks(WebhookStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct));

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(long id, WebhookStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"there is no webhook subscription with id {id}.");
}
