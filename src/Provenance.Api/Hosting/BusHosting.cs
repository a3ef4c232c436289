using MassTransit;
using Provenance.Api.Datasets;
using Provenance.Api.Detection;
using Provenance.Api.Ingestion;
using Provenance.Messaging;

namespace Provenance.Api.Hosting;

/// <summary>The <c>Bus</c> configuration section.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary>The queue <c>RegisterDocuments</c> is consumed from (tests give each host its own).</summary>
    public string RegisterDocumentsQueue { get; set; } = BusConfiguration.RegisterDocumentsQueue;

    /// <summary>The queue <c>AssembleDataset</c> is consumed from.</summary>
    public string AssembleDatasetQueue { get; set; } = BusConfiguration.AssembleDatasetQueue;

    /// <summary>Batches one consumer instance processes at once.</summary>
    public int ConcurrentBatches { get; set; } = 2;

    /// <summary>Batches fetched from the broker ahead of processing.</summary>
    public int Prefetch { get; set; } = 4;
}

internal static partial class BusHosting
{
    /// <summary>
    /// MassTransit with the registry's consumers. <c>ConnectionStrings:Broker</c> (an <c>amqp://</c> URI) selects
    /// RabbitMQ; without it the bus runs in process, which is all the embedded run command needs.
    /// </summary>
    public static IHostApplicationBuilder AddRegistryBus(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<BusOptions>(builder.Configuration.GetSection(BusOptions.Section));
        builder.Services.Configure<DetectionOptions>(builder.Configuration.GetSection(DetectionOptions.Section));
        builder.Services.AddSingleton<DetectionRequester>();
        var brokerUri = builder.Configuration.GetConnectionString("Broker");
        var broker = string.IsNullOrWhiteSpace(brokerUri) ? null : BrokerAddress.Parse(brokerUri);
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<RegisterDocumentsConsumer, RegisterDocumentsConsumerDefinition>();
            x.AddConsumer<AssembleDatasetConsumer, AssembleDatasetConsumerDefinition>();
            if (broker is null)
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
            else
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.UseBroker(broker, "provenance-api");
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        // The API serves HTTP while the broker is still coming up; MassTransit keeps reconnecting in the background.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddHostedService<BusStartupLog>();
        return builder;
    }

    sealed partial class BusStartupLog(IConfiguration configuration, ILogger<BusStartupLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var uri = configuration.GetConnectionString("Broker");
            LogTransport(logger, string.IsNullOrWhiteSpace(uri) ? "in-process (set ConnectionStrings__Broker to use RabbitMQ)" : BrokerAddress.Parse(uri).ToString());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Message bus: {Transport}")]
        static partial void LogTransport(ILogger logger, string transport);
    }
}
