using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Provenance.Worker.Hosting;

namespace Provenance.Worker.Tests;

/// <summary>
/// The worker sends nothing anywhere unasked: MassTransit's usage telemetry is off, as in every host that has a bus, and
/// OpenTelemetry exports over OTLP only where OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
public sealed class NoPhoningHomeTests
{
    [Fact]
    public void TheDetectorWorkerTurnsMassTransitUsageTelemetryOff()
    {
        using var worker = WorkerHosting.Build([], new Dictionary<string, string?>
        {
            ["ConnectionStrings:Registry"] = "Host=127.0.0.1;Database=unused",
            ["ConnectionStrings:Broker"] = "amqp://guest:guest@127.0.0.1:1/",
        });

        var options = worker.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value;

        Assert.False(options.Enabled);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("http://127.0.0.1:4317", true)]
    public void TheWorkerTracesOverOtlpOnlyWhereAnEndpointIsConfigured(string? endpoint, bool traced)
    {
        using var worker = WorkerHosting.Build([], new Dictionary<string, string?>
        {
            ["ConnectionStrings:Registry"] = "Host=127.0.0.1;Database=unused",
            ["ConnectionStrings:Broker"] = "amqp://guest:guest@127.0.0.1:1/",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
        });

        var tracing = worker.Services.GetService<TracerProvider>();

        Assert.Equal(traced, tracing is not null);
    }
}
