using MassTransit;
using Provenance.Data;
using Provenance.Detection.Hosting;
using Provenance.Messaging;
using Provenance.Messaging.Hosting;

namespace Provenance.Worker.Hosting;

public static class WorkerHosting
{
    /// <summary>
    /// The detector worker: the registry database (texts in, verdicts out), the detector on the configured execution
    /// provider, and the batch consumer on RabbitMQ (<c>ConnectionStrings:Broker</c>; a worker is useless without one).
    /// The consumer and the detector are registered as the API registers them when it runs the detector in process.
    /// </summary>
    public static IHostApplicationBuilder AddDetectorWorker(this IHostApplicationBuilder builder)
    {
        var registry = RegistryDatabase.CheckConnectionString(builder.Configuration[RegistryDatabase.ConnectionStringKey],
            "the worker needs the registry database; set ConnectionStrings__Registry.");
        var brokerUri = builder.Configuration[BrokerAddress.ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(brokerUri))
        {
            throw new InvalidOperationException($"{BrokerAddress.ConnectionStringKey} is not set: the worker needs RabbitMQ; set ConnectionStrings__Broker to an amqp:// URI.");
        }
        var broker = BrokerAddress.Parse(brokerUri);

        builder.Services.AddSingleton(_ => RegistryDatabase.CreateDataSource(registry));
        builder.AddDetectionOptions();
        builder.AddDetector();
        builder.Services.AddMassTransit(x =>
        {
            x.UseRegistryDefaults();
            x.AddClassifyDocumentsConsumer();
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
    /// runs after the worker's own registrations and lets tests add what they need (a log sink, a service they inspect).
    /// Every setting is checked here (a bad one throws, naming its key); the model loads when the host starts.
    /// </summary>
    public static IHost Build(string[] args, IDictionary<string, string?>? settings = null, Action<IHostApplicationBuilder>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.AddDetectorWorker();
        configure?.Invoke(builder);
        var host = builder.Build();
        try
        {
            host.Services.CheckSettings();
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return host;
    }
}
