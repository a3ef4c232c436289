using MassTransit;

namespace Provenance.Messaging.Hosting;

/// <summary>Transport settings every Provenance host and client agrees on.</summary>
public static class MessagingHosting
{
    /// <summary>
    /// What every Provenance host's bus registration starts with. MassTransit 8.4+ reports "anonymous usage telemetry"
    /// to its vendor over HTTPS once a bus has started; the registry sends nothing to any vendor, so it is turned off
    /// here, in the one place every host calls.
    /// </summary>
    public static IBusRegistrationConfigurator UseRegistryDefaults(this IBusRegistrationConfigurator x)
    {
        x.DisableUsageTelemetry();
        // MassTransit registers the bus's health check itself, tagged "ready": /health/ready and /health report it as "bus".
        x.ConfigureHealthCheckOptions(o => o.Name = "bus");
        return x;
    }

    /// <summary>Points a RabbitMQ bus at <paramref name="broker"/>.</summary>
    public static void UseBroker(this IRabbitMqBusFactoryConfigurator cfg, BrokerAddress broker, string connectionName)
    {
        cfg.Host(broker.Host, broker.Port, broker.VirtualHost, connectionName, h =>
        {
            h.Username(broker.Username);
            h.Password(broker.Password);
            if (broker.UseTls)
            {
                h.UseSsl(s => s.Protocol = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
            }
            // Batches are large; confirm each publish so a send only succeeds once the broker has it.
            h.PublisherConfirmation = true;
            h.RequestedConnectionTimeout(TimeSpan.FromSeconds(10));
        });
    }

    /// <summary>
    /// The bus's retry policy (<see cref="BusRetry"/>), then the in-memory outbox inside it, so that the events and
    /// answers of a delivery leave only after it succeeded and a failed delivery's are dropped with it. Every consumer
    /// definition calls this, and nothing else configures retries.
    /// </summary>
    public static void UseBusRetryAndOutbox(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        endpoint.UseMessageRetry(r =>
        {
            r.Intervals([.. BusRetry.Intervals]);
            r.Handle<Exception>(BusRetry.IsTransient);
        });
        endpoint.UseInMemoryOutbox(context);
    }
}
