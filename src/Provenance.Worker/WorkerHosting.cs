using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Provenance.Data;
using Provenance.Data.Assertions;
using Provenance.Data.Detection;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;
using Provenance.Messaging;
using Provenance.Worker.Detection;

namespace Provenance.Worker;

public static class WorkerHosting
{
    /// <summary>
    /// The detector worker: the registry database (texts in, verdicts out), the detector on the configured execution
    /// provider, and the batch consumer on RabbitMQ (<c>ConnectionStrings:Broker</c>; a worker is useless without one).
    /// </summary>
    public static IHostApplicationBuilder AddDetectorWorker(this IHostApplicationBuilder builder)
    {
        var registry = builder.Configuration.GetConnectionString("Registry");
        if (string.IsNullOrWhiteSpace(registry))
        {
            throw new InvalidOperationException("The worker needs the registry database: set ConnectionStrings__Registry.");
        }
        var brokerUri = builder.Configuration.GetConnectionString("Broker");
        if (string.IsNullOrWhiteSpace(brokerUri))
        {
            throw new InvalidOperationException("The worker needs RabbitMQ: set ConnectionStrings__Broker to an amqp:// URI.");
        }
        var broker = BrokerAddress.Parse(brokerUri);

        builder.Services.Configure<DetectionOptions>(builder.Configuration.GetSection(DetectionOptions.Section));
        builder.Services.AddSingleton(_ => RegistryDatabase.CreateDataSource(registry));
        builder.Services.AddSingleton<AssertionWriter>();
        builder.Services.AddSingleton<DetectionQueries>();
        builder.Services.AddSingleton(sp => TextDetector.Load(
            builder.Configuration.GetSection("Detector").Get<DetectorOptions>() ?? new DetectorOptions(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Provenance.Detector") ?? NullLogger.Instance));
        builder.Services.AddSingleton(sp => new DocumentScorer(sp.GetRequiredService<TextDetector>()));

        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<ClassifyDocumentsConsumer, ClassifyDocumentsConsumerDefinition>();
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.UseBroker(broker, "provenance-worker");
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// A worker host with <paramref name="settings"/> on top of the usual configuration; <paramref name="configure"/>
    /// lets tests add what they need (a log sink, say).
    /// </summary>
    public static IHost Build(string[] args, IDictionary<string, string?>? settings = null, Action<IHostApplicationBuilder>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        configure?.Invoke(builder);
        builder.AddDetectorWorker();
        var host = builder.Build();
        // Load the model now, so a broken model or provider fails the start instead of the first message.
        _ = host.Services.GetRequiredService<TextDetector>();
        return host;
    }
}
