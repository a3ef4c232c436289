using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// The registry sends nothing to any vendor: MassTransit's usage telemetry is off in every host that has a bus, and
/// OpenTelemetry exports over OTLP only where OTEL_EXPORTER_OTLP_ENDPOINT says where to (Prometheus scrapes /metrics).
/// </summary>
public sealed class NoPhoningHomeTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public void TheApiTurnsMassTransitUsageTelemetryOff()
    {
        var options = registry.GetService<IOptions<UsageTelemetryOptions>>().Value;

        Assert.False(options.Enabled);
    }

    [Fact]
    public void TheApiExportsNoTracesUnlessAnOtlpEndpointIsConfigured()
    {
        var tracing = registry.Services.GetService(typeof(OpenTelemetry.Trace.TracerProvider));

        Assert.Null(tracing);
    }
}
