using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Api.Hosting;
using Provenance.Messaging.Hosting;

namespace Provenance.Api.Ingestion;

/// <summary>Queue, concurrency and fault handling of <see cref="RegisterDocumentsConsumer"/>.</summary>
public sealed class RegisterDocumentsConsumerDefinition : ConsumerDefinition<RegisterDocumentsConsumer>
{
    readonly BusOptions _options;

    public RegisterDocumentsConsumerDefinition(IOptions<BusOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.RegisterDocumentsQueue;
        // Two batches at once: one can be parsed, validated and token-counted while the other is in PostgreSQL.
        ConcurrentMessageLimit = _options.ConcurrentBatches;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RegisterDocumentsConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _options.Prefetch;
        // Transient database failures (a restart, a failover, a deadlock the writer could not resolve) are redelivered
        // with backoff; anything else is not going to succeed on a retry and goes to the error queue at once. Events
        // and answers leave only after Consume returned, that is after the registration committed.
        endpointConfigurator.UseBusRetryAndOutbox(context);
    }
}
