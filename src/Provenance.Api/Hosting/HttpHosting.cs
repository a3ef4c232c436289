using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace Provenance.Api.Hosting;

internal static class HttpHosting
{
    /// <summary>Kestrel limits from <c>Registry:MaxRequestBytes</c> and the JSON conventions of the API.</summary>
    public static IHostApplicationBuilder AddRegistryHttp(this IHostApplicationBuilder builder)
    {
        var maxRequestBytes = builder.Configuration.GetValue<long?>($"{RegistryOptions.Section}:{nameof(RegistryOptions.MaxRequestBytes)}")
            ?? new RegistryOptions().MaxRequestBytes;
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = maxRequestBytes);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        });
        return builder;
    }
}
