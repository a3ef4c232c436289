using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Messaging.Hosting;

namespace Provenance.Detection;

/// <summary>Queue, batching and retries of <see cref="ClassifyDocumentsConsumer"/>.</summary>
public sealed class ClassifyDocumentsConsumerDefinition : ConsumerDefinition<ClassifyDocumentsConsumer>
{
    readonly DetectionOptions _options;

    public ClassifyDocumentsConsumerDefinition(IOptions<DetectionOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ClassifyDocumentsConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // The transport must hand over at least a whole round of requests at once for the batch to fill (RabbitMQ's
        // prefetch, or the in-process bus's concurrency).
        endpointConfigurator.PrefetchCount = Math.Max(_options.MaxMessagesPerBatch * 2, 16);
        // One round at a time: scoring a round already uses every core (featurizer threads and ONNX Runtime's).
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(_options.MaxMessagesPerBatch)
            .SetTimeLimit(TimeSpan.FromMilliseconds(_options.MaxWaitMilliseconds))
            .SetConcurrencyLimit(1));
        // A database that fails over or drops a connection comes back within seconds; scoring again gives the same
        // verdicts, and those already recorded are not recorded twice. DocumentsClassified leaves only once the
        // verdicts it announces are committed.
        endpointConfigurator.UseBusRetryAndOutbox(context);
    }
}
