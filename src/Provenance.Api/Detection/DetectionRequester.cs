using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Contracts.Detection;
using Provenance.Data.Detection;
using Provenance.Data.Registration;
using Provenance.Detection;
using Provenance.Domain.Assertions;

namespace Provenance.Api.Detection;

/// <summary>Who receives this registry's <see cref="ClassifyDocuments"/> requests.</summary>
public enum DetectorPlacement
{
    /// <summary>Nobody: no broker, and <c>Detection:InProcess</c> is false.</summary>
    None,

    /// <summary>The API itself, on its in-process bus (no broker, <c>Detection:InProcess</c> on).</summary>
    InProcess,

    /// <summary>Detector workers, through the broker.</summary>
    Workers,
}

/// <summary>Sends <see cref="ClassifyDocuments"/> to the detector's queue, wherever the detector runs.</summary>
public sealed class DetectionRequester(IOptions<DetectionOptions> options, DetectorPlacement placement)
{
    public const int IdsPerMessage = 1_000;

    public DetectorPlacement Placement => placement;

    public bool Enabled { get; } = options.Value.RequestClassification ?? placement != DetectorPlacement.None;

    /// <summary>Why no requests are sent, and what to change, when <see cref="Enabled"/> is false.</summary>
    public string WhyDisabled => placement == DetectorPlacement.None
        ? $"The registry runs without a message broker and with {DetectionOptions.Section}:{nameof(DetectionOptions.InProcess)}=false, so no detector can receive requests. "
          + "Remove that setting to run the detector in the API, or configure ConnectionStrings:Broker and run a detector worker."
        : $"{DetectionOptions.Section}:{nameof(DetectionOptions.RequestClassification)} is false, so this registry asks no detector to classify anything. Remove the setting and restart.";

    /// <summary>Requests classification of the documents a registration created without knowing their class.</summary>
    public Task RequestForNewUnknownAsync(ISendEndpointProvider via, IEnumerable<RegistrationResult> results, CancellationToken ct) =>
        RequestAsync(via, [.. results.Where(r => r.Status == RegistrationStatus.Created && r.Class == ProvenanceClass.Unknown).Select(r => r.Id!.Value)], ct);

    /// <summary>
    /// Requests classification of <paramref name="documentIds"/> through <paramref name="via"/>: a consumer's context
    /// (so the requests leave with its outbox, after its commit) or the request's send endpoint provider.
    /// </summary>
    public Task RequestAsync(ISendEndpointProvider via, IReadOnlyCollection<long> documentIds, CancellationToken ct) =>
        SendAsync(via, documentIds, null, ct);

    /// <summary>
    /// Requests a rescore of <paramref name="documentIds"/>, selected for <paramref name="model"/> (name@version). The
    /// messages name the model in a header, so a worker that runs another model warns instead of rescoring silently.
    /// </summary>
    public Task RequestRescoreAsync(ISendEndpointProvider via, IReadOnlyCollection<long> documentIds, string model, CancellationToken ct) =>
        SendAsync(via, documentIds, model, ct);

    async Task SendAsync(ISendEndpointProvider via, IReadOnlyCollection<long> documentIds, string? rescoreFor, CancellationToken ct)
    {
        if (!Enabled || documentIds.Count == 0)
        {
            return;
        }
        var endpoint = await via.GetSendEndpoint(new Uri($"queue:{options.Value.Queue}"));
        foreach (var chunk in documentIds.Chunk(IdsPerMessage))
        {
            var message = new ClassifyDocuments(Guid.NewGuid(), chunk);
            if (rescoreFor is null)
            {
                await endpoint.Send(message, ct);
            }
            else
            {
                await endpoint.Send(message, context => context.Headers.Set(RescoreRequest.ModelHeader, rescoreFor), ct);
            }
        }
    }
}
