using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Provenance.Api.Hosting;

internal static class HttpHosting
{
    /// <summary>Kestrel limits from <c>Registry:MaxRequestBytes</c> and the JSON conventions of the API.</summary>
    public static IHostApplicationBuilder AddRegistryHttp(this IHostApplicationBuilder builder)
    {
        // The Registry section is bound with the rest of the registry's limits, in AddRegistryDatabase.
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<RegistryOptions>>((o, registry) => o.Limits.MaxRequestBodySize = registry.Value.MaxRequestBytes);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // A member the API does not know is a client's mistake (a misspelling, the JSONL name url for sourceUri):
            // dropping it would answer 201 and lose the value, so the request is refused with the member named.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        return builder;
    }
}
