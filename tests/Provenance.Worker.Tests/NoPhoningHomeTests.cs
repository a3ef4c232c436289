using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Provenance.Worker.Hosting;

namespace Provenance.Worker.Tests;

/// <summary>The worker sends nothing to any vendor: MassTransit's usage telemetry is off, as in every host that has a bus.</summary>
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
}
