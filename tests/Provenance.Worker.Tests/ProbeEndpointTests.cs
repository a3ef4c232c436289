using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Provenance.Testing;
using Provenance.Worker.Hosting;

namespace Provenance.Worker.Tests;

/// <summary>
/// The worker's probes and scrape endpoint, on loopback by default: liveness asks nothing, readiness names the
/// database, the bus and the model, each with its status.
/// </summary>
public sealed class ProbeEndpointTests
{

    [Fact]
    public async Task TheWorkerServesItsProbesOnLoopbackAndSaysWhichDependencyIsDown()
    {
        await using var worker = WorkerHosting.Build([], UnreachableWorker.Settings());
        await worker.StartAsync();
        var address = new Uri(worker.Urls.Single());
        using var http = new HttpClient { BaseAddress = address };

        var live = await http.GetAsync("/health/live");
        var ready = await http.GetAsync("/health/ready");
        var metrics = await http.GetAsync("/metrics");

        Assert.Equal("127.0.0.1", address.Host);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal("unhealthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Contains("database", checks.GetProperty("database").GetProperty("description").GetString());
        Assert.NotEqual("healthy", checks.GetProperty("bus").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("detector").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        await worker.StopAsync();
    }

    [Theory]
    [InlineData("Worker:HealthPort", "70000")]
    [InlineData("Worker:HealthAddress", "localhost")]
    public async Task ABadProbeSettingStopsTheStartNamingTheKey(string key, string value)
    {
        var settings = UnreachableWorker.Settings((key, value));

        // The server's endpoint is read as the host is built, so a bad one stops it there, before anything starts.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var worker = WorkerHosting.Build([], settings);
            await worker.StartAsync();
        });

        Assert.Contains(key, error.Message);
    }
}
