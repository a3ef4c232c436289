using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Access;
using Provenance.Api.Hosting;
using Provenance.Data.Detection;
using Provenance.Domain.Access;
using Provenance.Domain.Generators;

namespace Provenance.Api.Detection;

/// <summary>What to (re)score: <c>unknown</c> documents, or those scored by other versions of <c>model</c>.</summary>
/// <param name="Scope">unknown or rescore.</param>
/// <param name="Model">
/// For rescore: the detector that classifies (the workers', or the API's own in process), as name@version. Documents
/// that another version of it (same name) has scored and it has not are sent to the detector. A detector always scores
/// with the model it runs, so naming any other version rescores with that one anyway: it warns when a rescore names a
/// model it does not run, and records no new assertion where its own verdict on a document is unchanged.
/// </param>
public sealed record DetectionRequest(string? Scope, string? Model = null);

public sealed record DetectionRequestResponse(string Scope, long Requested, int Messages);

internal static class DetectionApi
{
    public static IEndpointRouteBuilder MapDetectionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/detection/requests", RequestDetection).WithName(nameof(RequestDetection)).WithTags("Detection")
            .RequirePermission(Permission.Assert)
            .WithSummary("Ask the detector (in the API, or workers behind a broker) to classify every unknown document, or to rescore what other versions of the model it runs (model) scored; 503 when no detector can receive requests.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithAccessProblems().WithBodyLimit(BodyLimit.Small);
        return routes;
    }

    static async Task<Results<Accepted<DetectionRequestResponse>, ProblemHttpResult>> RequestDetection(
        DetectionRequest request, DetectionRequester requester, DetectionQueries queries, ISendEndpointProvider sender, CancellationToken ct)
    {
        Func<long, Task<List<long>>> page;
        string? rescoreFor = null;
        switch (request.Scope?.Trim().ToLowerInvariant())
        {
            case "unknown":
                page = after => queries.UnknownAsync(after, DetectionRequester.IdsPerMessage, ct);
                break;
            case "rescore":
                if (!GeneratorName.TryParse(request.Model, out var model, out _) || model.Version.Length == 0)
                {
                    return Problems.Invalid("rescore needs model as name@version: the detector that classifies, such as provenance-detector@2.0.0 (the worker, or the API running it in process, logs it at start, and every verdict names it).", "invalid_model");
                }
                rescoreFor = model.ToString();
                page = after => queries.ScoredByOlderVersionsAsync(rescoreFor, after, DetectionRequester.IdsPerMessage, ct);
                break;
            default:
                return Problems.Invalid($"scope '{request.Scope}' is not one of: unknown, rescore.", "invalid_scope");
        }
        if (!requester.Enabled)
        {
            return Problems.Make(StatusCodes.Status503ServiceUnavailable, "Detection is not available", requester.WhyDisabled, "detection_unavailable");
        }
        long requested = 0, after = 0;
        var messages = 0;
        for (var ids = await page(after); ids.Count > 0; ids = await page(after))
        {
            await (rescoreFor is null ? requester.RequestAsync(sender, ids, ct) : requester.RequestRescoreAsync(sender, ids, rescoreFor, ct));
            requested += ids.Count;
            messages++;
            after = ids[^1];
        }
        return TypedResults.Accepted((string?)null, new DetectionRequestResponse(request.Scope!.Trim().ToLowerInvariant(), requested, messages));
    }
}
