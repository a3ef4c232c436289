using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Provenance.Testing;
using Provenance.Worker.Hosting;

namespace Provenance.Api.Tests.Hosting;

/// <summary>The registry sends nothing to any vendor: MassTransit's usage telemetry is off in every host that has a bus.</summary>
public sealed class NoPhoningHomeTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public void TheApiTurnsMassTransitUsageTelemetryOff()
    {
        var options = registry.GetService<IOptions<UsageTelemetryOptions>>().Value;

        Assert.False(options.Enabled);
    }

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
}
