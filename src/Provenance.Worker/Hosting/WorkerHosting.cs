using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Provenance.Data;
using Provenance.Detection.Hosting;
using Provenance.Hosting.Health;
using Provenance.Hosting.Settings;
using Provenance.Hosting.Telemetry;
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
        builder.AddRegistryTelemetry("provenance-worker");
        builder.AddRegistryHealthChecks();
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
    /// The worker's one HTTP endpoint, for probes and the Prometheus scrape only (<see cref="WorkerOptions"/>):
    /// <c>/health/live</c>, <c>/health/ready</c> (database, bus, model) and <c>/metrics</c>.
    /// </summary>
    static void AddProbeEndpoint(this WebApplicationBuilder builder)
    {
        builder.Services.AddSettings<WorkerOptions>(WorkerOptions.Section, WorkerOptions.Check);
        // Only this endpoint: the worker ignores ASPNETCORE_URLS and the images' ASPNETCORE_HTTP_PORTS.
        // The server is created as the host is built, before CheckSettings reports every bad setting at once, so the
        // section is read here without its check; a bad address or port is reported with the others right after.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
        {
            var worker = new WorkerOptions();
            try
            {
                configuration.GetSection(WorkerOptions.Section).Bind(worker);
            }
            catch (InvalidOperationException)
            {
                return;
            }
            if (worker.EndPointOrNull() is { } endPoint)
            {
                kestrel.Listen(endPoint);
            }
        });
    }

    /// <summary>
    /// A worker host with <paramref name="settings"/> on top of the usual configuration; <paramref name="configure"/>
    /// runs after the worker's own registrations and lets tests add what they need (a log sink, a service they inspect).
    /// Every setting is checked here (a bad one throws, naming its key); the model loads when the host starts.
    /// </summary>
    public static WebApplication Build(string[] args, IDictionary<string, string?>? settings = null, Action<IHostApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.AddDetectorWorker();
        builder.AddProbeEndpoint();
        configure?.Invoke(builder);
        var app = builder.Build();
        try
        {
            app.Services.CheckSettings();
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }
        app.MapHealthApi();
        app.MapMetricsApi();
        return app;
    }
}
