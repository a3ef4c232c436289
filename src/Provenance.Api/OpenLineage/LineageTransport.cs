using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace Provenance.Api.OpenLineage;

/// <summary>Where run events go: a receiver over HTTP, or a file. A send that throws is retried later with the same bytes.</summary>
internal interface ILineageTransport
{
    Task SendAsync(string payload, CancellationToken ct);
}

/// <summary>OpenLineage's HTTP transport: one event per POST, any 2xx is accepted (Marquez answers 201).</summary>
internal sealed class HttpLineageTransport(HttpClient http, IOptions<OpenLineageOptions> options) : ILineageTransport
{
    readonly Uri _target = new(new Uri(options.Value.Url!.TrimEnd('/') + "/"), options.Value.Endpoint.TrimStart('/'));

    public async Task SendAsync(string payload, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _target) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (options.Value.ApiKey is { Length: > 0 } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new HttpRequestException($"{_target} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}", null, response.StatusCode);
        }
    }
}

/// <summary>OpenLineage's file transport: one event per line, appended and flushed before the event counts as sent.</summary>
internal sealed class FileLineageTransport(IOptions<OpenLineageOptions> options) : ILineageTransport
{
    public async Task SendAsync(string payload, CancellationToken ct)
    {
        await using var file = new FileStream(options.Value.File!, FileMode.Append, FileAccess.Write, FileShare.Read);
        await file.WriteAsync(Encoding.UTF8.GetBytes(payload + "\n"), ct);
        await file.FlushAsync(ct);
    }
}
