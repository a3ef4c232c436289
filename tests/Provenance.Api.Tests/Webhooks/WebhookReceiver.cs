using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Provenance.Testing;

namespace Provenance.Api.Tests.Webhooks;

/// <summary>One request the receiver was sent, and what it answered.</summary>
public sealed record ReceivedWebhook(string Hook, IReadOnlyDictionary<string, string> Headers, string Body, int Answered)
{
    public JsonElement Event => JsonDocument.Parse(Body).RootElement;

    public string Id => Headers["webhook-id"];

    public string Type => Event.GetProperty("type").GetString()!;

    public JsonElement Data => Event.GetProperty("data");

    /// <summary>The request as it arrived, for the test's output.</summary>
    public override string ToString() =>
        string.Join("\n", Headers.OrderBy(h => h.Key).Select(h => $"{h.Key}: {h.Value}")) + "\n\n"
        + JsonSerializer.Serialize(Event, new JsonSerializerOptions { WriteIndented = true });
}

/// <summary>
/// A real webhook subscriber in the test: Kestrel on 127.0.0.1, taking <c>POST /hooks/{name}</c>, keeping every request
/// with its headers and body, answering 500 to the first requests of a hook told to fail, and 204 otherwise.
/// </summary>
public sealed class WebhookReceiver : ITestReceiver
{
    readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    readonly ConcurrentDictionary<string, int> _failuresLeft = new();
    WebApplication? _app;

    public int Port { get; } = LocalPorts.Free();

    public string Url(string hook) => $"http://127.0.0.1:{Port}/hooks/{hook}";

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>The next <paramref name="times"/> requests to <paramref name="hook"/> are answered 500.</summary>
    public void Fail(string hook, int times) => _failuresLeft[hook] = times;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hooks/{hook}", async (string hook, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = request.Headers.Where(h => h.Key.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase) || h.Key == "Content-Type")
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var status = _failuresLeft.AddOrUpdate(hook, -1, (_, left) => left - 1) >= 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status204NoContent;
            _received.Enqueue(new ReceivedWebhook(hook, headers, body, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        _app = app;
    }

    /// <summary>
    /// Verifies a request as a subscriber would, from the Standard Webhooks specification rather than the registry's code:
    /// HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}" with the secret's base64 part, and a timestamp within 5 minutes.
    /// </summary>
    public static bool Verify(ReceivedWebhook request, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var timestamp = long.Parse(request.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture);
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) > 300)
        {
            return false;
        }
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{request.Id}.{timestamp}.{request.Body}")));
        return request.Headers["webhook-signature"].Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

}
