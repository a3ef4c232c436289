using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Api.Datasets;
using Provenance.Api.Detection;
using Provenance.Api.Ingestion;
using Provenance.Detection;
using Provenance.Detection.Hosting;
using Provenance.Hosting.Settings;
using Provenance.Messaging;
using Provenance.Messaging.Hosting;

namespace Provenance.Api.Hosting;

internal static partial class BusHosting
{
    /// <summary>
    /// MassTransit with the registry's consumers. <c>ConnectionStrings:Broker</c> (an <c>amqp://</c> URI) selects
    /// RabbitMQ; without it the bus runs in process, which is all the embedded run command needs. On the in-process bus
    /// the API also runs the detector and its consumer (<c>Detection:InProcess</c>, on by default), the same ones a
    /// detector worker hosts, so undeclared documents are classified without a worker; with a broker, workers classify.
    /// </summary>
    public static IHostApplicationBuilder AddRegistryBus(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<BusOptions>(BusOptions.Section, BusOptions.Check);
        var brokerUri = builder.Configuration[BrokerAddress.ConnectionStringKey];
        var broker = string.IsNullOrWhiteSpace(brokerUri) ? null : BrokerAddress.Parse(brokerUri);

        var detection = builder.AddDetectionOptions();
        var detector = broker is not null ? DetectorPlacement.Workers
            : detection.InProcess ? DetectorPlacement.InProcess
            : DetectorPlacement.None;
        if (detector == DetectorPlacement.InProcess)
        {
            builder.AddDetector();
        }
        builder.Services.AddSingleton(sp => new DetectionRequester(sp.GetRequiredService<IOptions<DetectionOptions>>(), detector));
        builder.Services.AddHostedService<DetectionBacklog>();

        builder.Services.AddMassTransit(x =>
        {
            x.UseRegistryDefaults();
            x.AddConsumer<RegisterDocumentsConsumer, RegisterDocumentsConsumerDefinition>();
            x.AddConsumer<AssembleDatasetConsumer, AssembleDatasetConsumerDefinition>();
            if (detector == DetectorPlacement.InProcess)
            {
                x.AddClassifyDocumentsConsumer();
            }
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

    sealed partial class BusStartupLog(IConfiguration configuration, DetectionRequester detection, IOptions<DetectionOptions> options,
        ILogger<BusStartupLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var uri = configuration.GetConnectionString("Broker");
            LogTransport(logger, string.IsNullOrWhiteSpace(uri) ? "in-process (set ConnectionStrings__Broker to use RabbitMQ)" : BrokerAddress.Parse(uri).ToString());
            LogDetection(logger, !detection.Enabled ? $"off: {detection.WhyDisabled}" : detection.Placement switch
            {
                DetectorPlacement.InProcess => "the detector runs in process, in this API (Detection__InProcess=false turns it off; with a broker, detector workers classify instead)",
                DetectorPlacement.Workers => $"requests go to the detector workers on queue {options.Value.Queue}",
                _ => $"requests go to queue {options.Value.Queue}, which no detector in this process consumes",
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Message bus: {Transport}")]
        static partial void LogTransport(ILogger logger, string transport);

        [LoggerMessage(Level = LogLevel.Information, Message = "Detection: {Detection}")]
        static partial void LogDetection(ILogger logger, string detection);
    }
}
