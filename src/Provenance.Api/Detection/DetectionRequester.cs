using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Contracts.Detection;
using Provenance.Data.Detection;
using Provenance.Data.Registration;
using Provenance.Domain.Assertions;
using Provenance.Messaging;

namespace Provenance.Api.Detection;

/// <summary>The <c>Detection</c> section of the API's configuration.</summary>
public sealed class DetectionOptions
{
    public const string Section = "Detection";

    /// <summary>
    /// Ask the detector workers to classify every new document whose class is unknown. Defaults to on when a broker
    /// is configured: with the in-process bus no worker could ever receive the requests.
    /// </summary>
    public bool? RequestClassification { get; set; }

    /// <summary>The detector workers' queue.</summary>
    public string Queue { get; set; } = BusConfiguration.ClassifyDocumentsQueue;
}

/// <summary>Sends <see cref="ClassifyDocuments"/> to the detector workers' queue.</summary>
public sealed class DetectionRequester(IOptions<DetectionOptions> options, IConfiguration configuration)
{
    public const int IdsPerMessage = 1_000;

    public bool Enabled { get; } = options.Value.RequestClassification ?? !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Broker"));

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
