using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Access;
using Provenance.Api.Hosting;
using Provenance.Data.Detection;
using Provenance.Domain.Access;
using Provenance.Domain.Generators;

namespace Provenance.Api.Detection;

/// <summary>What to (re)score: <c>unknown</c> documents, or those scored by older versions of <c>model</c>.</summary>
/// <param name="Scope">unknown or rescore.</param>
/// <param name="Model">For rescore: the current detector as name@version; documents scored by another version of it and not by it are rescored.</param>
public sealed record DetectionRequest(string? Scope, string? Model = null);

public sealed record DetectionRequestResponse(string Scope, long Requested, int Messages);

internal static class DetectionApi
{
    public static IEndpointRouteBuilder MapDetectionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/detection/requests", RequestDetection).WithName(nameof(RequestDetection)).WithTags("Detection")
            .RequirePermission(Permission.Assert)
            .WithSummary("Ask the detector workers to classify every unknown document, or to rescore what older detector versions scored.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    static async Task<Results<Accepted<DetectionRequestResponse>, ProblemHttpResult>> RequestDetection(
        DetectionRequest request, DetectionRequester requester, DetectionQueries queries, ISendEndpointProvider sender, CancellationToken ct)
    {
        Func<long, Task<List<long>>> page;
        switch (request.Scope?.Trim().ToLowerInvariant())
        {
            case "unknown":
                page = after => queries.UnknownAsync(after, DetectionRequester.IdsPerMessage, ct);
                break;
            case "rescore":
                if (!GeneratorName.TryParse(request.Model, out var model, out _) || model.Version.Length == 0)
                {
                    return Problems.Invalid("rescore needs model as name@version: the current detector, such as provenance-detector@1.0.0.", "invalid_model");
                }
                page = after => queries.ScoredByOlderVersionsAsync(model.ToString(), after, DetectionRequester.IdsPerMessage, ct);
                break;
            default:
                return Problems.Invalid($"scope '{request.Scope}' is not one of: unknown, rescore.", "invalid_scope");
        }
        if (!requester.Enabled)
        {
            return Problems.Make(StatusCodes.Status503ServiceUnavailable, "Detection is not available",
                "The registry runs without a message broker, so no detector worker can receive requests. Configure ConnectionStrings:Broker and run a worker.",
                "detection_unavailable");
        }
        long requested = 0, after = 0;
        var messages = 0;
        for (var ids = await page(after); ids.Count > 0; ids = await page(after))
        {
            await requester.RequestAsync(sender, ids, ct);
            requested += ids.Count;
            messages++;
            after = ids[^1];
        }
        return TypedResults.Accepted((string?)null, new DetectionRequestResponse(request.Scope!.Trim().ToLowerInvariant(), requested, messages));
    }
}
