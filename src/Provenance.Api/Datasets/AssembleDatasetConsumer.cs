using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Api.Hosting;
using Provenance.Contracts.Datasets;
using Provenance.Data.Datasets;
using Provenance.Domain;
using Provenance.Messaging.Hosting;

namespace Provenance.Api.Datasets;

/// <summary>
/// Training jobs asking over the bus: the same assembler as <c>POST /v1/datasets</c>. The answer is published as
/// <see cref="DatasetAssembled"/> and sent to the request's response address. A redelivered request (same
/// <c>RequestId</c>) finds the version its first delivery stored, so it never makes a second one.
/// </summary>
public sealed class AssembleDatasetConsumer(DatasetAssembler assembler) : IConsumer<AssembleDataset>
{
    public async Task Consume(ConsumeContext<AssembleDataset> context)
    {
        var request = context.Message;
        var requestedBy = string.IsNullOrWhiteSpace(request.RequestedBy) ? "bus" : request.RequestedBy.Trim();
        var answer = (StoredValues.Line("requestedBy", requestedBy) is { } unstorable
                ? new AssemblyRefused(AssemblyRefused.InvalidSpec, unstorable, [])
                : await assembler.AssembleAsync(request.Spec, requestedBy, context.CancellationToken, request.RequestId))
            .ToMessage(request.RequestId);
        await context.Publish(answer);
        if (context.ResponseAddress is not null)
        {
            await context.RespondAsync(answer);
        }
    }
}

/// <summary>Assembly is long and memory-hungry: one at a time per API instance, retried only on transient database errors.</summary>
public sealed class AssembleDatasetConsumerDefinition : ConsumerDefinition<AssembleDatasetConsumer>
{
    public AssembleDatasetConsumerDefinition(IOptions<BusOptions> options)
    {
        EndpointName = options.Value.AssembleDatasetQueue;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AssembleDatasetConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseBusRetryAndOutbox(context);
    }
}
