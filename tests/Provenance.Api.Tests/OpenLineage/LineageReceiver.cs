using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Provenance.Testing;

namespace Provenance.Api.Tests.OpenLineage;

/// <summary>
/// A real HTTP receiver in the test: Kestrel on 127.0.0.1, answering Marquez's <c>POST /api/v1/lineage</c> with 201 and
/// keeping every event it was sent. It can be stopped and started again on the same port, as a catalogue that restarts.
/// </summary>
public sealed class LineageReceiver : ITestReceiver
{
    readonly ConcurrentQueue<JsonElement> _events = new();
    WebApplication? _app;

    public int Port { get; } = LocalPorts.Free();

    public string Url => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<JsonElement> Events => [.. _events];

    public bool Running => _app is not null;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/api/v1/lineage", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            _events.Enqueue(document.RootElement.Clone());
            return Results.StatusCode(StatusCodes.Status201Created);
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

}
