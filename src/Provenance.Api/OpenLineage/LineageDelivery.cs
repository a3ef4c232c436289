using Microsoft.Extensions.Options;
using Provenance.Api.Delivery;
using Provenance.Data.Delivery;

namespace Provenance.Api.OpenLineage;

/// <summary>
/// Drains OpenLineage's rows of the outbox (<see cref="OutboxDelivery"/>), in order: a failure holds back the rest of
/// the batch, so that a run's START always goes before its end. Each retry sends the same bytes, with the same run id
/// and event type for the receiver to deduplicate on.
/// </summary>
internal sealed class LineageDelivery(Outbox outbox, ILineageTransport transport, IOptions<OpenLineageOptions> options, ILogger<LineageDelivery> logger)
    : OutboxDelivery(outbox, OutboxDestinations.OpenLineage, options.Value, queueOf: _ => 0, logger)
{
    protected override Task SendAsync(ClaimedOutboxRow row, CancellationToken ct) => transport.SendAsync(row.Payload, ct);
}
