using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Provenance.Data;

namespace Provenance.Hosting.Telemetry;

/// <summary>OpenTelemetry for every registry host, configured here and nowhere else.</summary>
public static class TelemetryHosting
{
    /// <summary>The standard OpenTelemetry variable that turns the OTLP exporter on (with its OTEL_EXPORTER_OTLP_* siblings).</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>MassTransit's ActivitySource and Meter.</summary>
    const string MassTransitName = "MassTransit";

    /// <summary>
    /// Metrics from the registry (<see cref="RegistryTelemetry"/>), MassTransit, Npgsql, ASP.NET Core, outgoing HTTP
    /// and the runtime, served to Prometheus at <c>/metrics</c> (<see cref="MapMetricsApi"/>). Traces of the same
    /// sources are exported over OTLP, and metrics too, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: by
    /// default nothing leaves the host, and spans are made only where something listens.
    /// </summary>
    public static IHostApplicationBuilder AddRegistryTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m
                .AddMeter(RegistryTelemetry.Name, MassTransitName)
                .AddNpgsqlInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (otlp)
        {
            // The exporter reads the endpoint, protocol and headers from the OTEL_EXPORTER_OTLP_* settings.
            telemetry
                .WithTracing(t => t
                    .AddSource(RegistryTelemetry.Name, MassTransitName)
                    .AddNpgsql()
                    .AddAspNetCoreInstrumentation(o => o.Filter = c => !IsOperational(c.Request.Path))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>The Prometheus scrape endpoint, <c>GET /metrics</c>. Needs no key: put it behind the cluster's network policy.</summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPrometheusScrapingEndpoint().AllowAnonymous();
        return routes;
    }

    // Probes and scrapes every few seconds would bury the traces that matter.
    static bool IsOperational(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
