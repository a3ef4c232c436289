using System.Globalization;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Provenance.Api.Hosting;

internal static class HttpHosting
{
    /// <summary>Seconds a client is told to wait when the large requests' queue is full: about one batch's work.</summary>
    const int BusyRetryAfterSeconds = 5;

    /// <summary>
    /// Body limits (<see cref="BodyLimit"/>), the bound on large requests worked on at once, and the JSON conventions
    /// of the API.
    /// </summary>
    public static IHostApplicationBuilder AddRegistryHttp(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration[$"{RegistryOptions.Section}:MaxRequestBytes"] is not null)
        {
            throw new InvalidOperationException(
                "Registry:MaxRequestBytes is retired: each endpoint has its own body limit. Remove it; "
                + "set Registry:MaxBatchBytes for the batch endpoint (docs/operations.md).");
        }
        // Endpoints without a BodyLimit of their own (and requests that match none) get the small one. Routing
        // replaces it with the endpoint's before the body is read.
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = BodyLimit.SmallBytes);
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RegistryOptions>>((o, registry) =>
        {
            var limits = registry.Value;
            // One queue for every request whose body may be large, whichever endpoint it is for: the memory it
            // bounds is the process's. A body sent chunked may be as large as its endpoint allows.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, bool>(http =>
                (http.Request.ContentLength ?? BodyLimit.Of(http).Bytes) > limits.LargeRequestBytes
                    ? RateLimitPartition.GetConcurrencyLimiter(true, _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = limits.MaxConcurrentLargeRequests,
                        QueueLimit = limits.LargeRequestQueue,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    })
                    : RateLimitPartition.GetNoLimiter(false));
            o.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            o.OnRejected = (context, _) => WriteBusyAsync(context.HttpContext, limits);
        });
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // A member the API does not know is a client's mistake (a misspelling, the JSONL name url for sourceUri):
            // dropping it would answer 201 and lose the value, so the request is refused with the member named.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        return builder;
    }

    /// <summary>Holds large requests beyond <c>Registry:MaxConcurrentLargeRequests</c> back before their bodies are read.</summary>
    public static WebApplication UseRegistryRequestLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    static async ValueTask WriteBusyAsync(HttpContext http, RegistryOptions limits)
    {
        http.Response.Headers.RetryAfter = BusyRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Too many large requests at once",
            Detail = $"The registry works on {limits.MaxConcurrentLargeRequests} requests with bodies over {limits.LargeRequestBytes:N0} bytes "
                + $"at once and {limits.LargeRequestQueue} more may wait (Registry:MaxConcurrentLargeRequests, Registry:LargeRequestQueue); "
                + $"this one was not read and nothing was written. Send it again after {BusyRetryAfterSeconds} seconds, or send fewer at once.",
        };
        problem.Extensions["code"] = "too_many_large_requests";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}
