using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.Api.OpenLineage;
using Provenance.Data.OpenLineage;
using Provenance.Hosting.Settings;

namespace Provenance.Api.Hosting;

internal static class OpenLineageHosting
{
    /// <summary>
    /// OpenLineage run events for dataset assemblies (the <c>OpenLineage</c> section): the outbox the assembler writes
    /// them to, and the sender that drains it. Both do nothing until <c>OpenLineage:Url</c> or <c>OpenLineage:File</c> is set.
    /// </summary>
    public static IHostApplicationBuilder AddRegistryOpenLineage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<OpenLineageOptions>(OpenLineageOptions.Section, OpenLineageOptions.Check);
        builder.Services.AddSingleton(sp => new LineageOutbox(sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<OpenLineageOptions>>().Value.ToSettings()));
        // The sender applies its own timeout per event; the client's would cut a slow receiver off at 100 s regardless.
        builder.Services.AddHttpClient(nameof(LineageDelivery), c => c.Timeout = System.Threading.Timeout.InfiniteTimeSpan);
        builder.Services.AddSingleton<ILineageTransport>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OpenLineageOptions>>();
            return string.IsNullOrWhiteSpace(options.Value.Url)
                ? new FileLineageTransport(options)
                : new HttpLineageTransport(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(LineageDelivery)), options);
        });
        builder.Services.AddHostedService<LineageDelivery>();
        return builder;
    }
}
