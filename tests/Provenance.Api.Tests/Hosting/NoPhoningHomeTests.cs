using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Testing;

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
}
