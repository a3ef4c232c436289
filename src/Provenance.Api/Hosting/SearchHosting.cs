using Provenance.Api.Documents;
using Provenance.Data.Documents;
using Provenance.Hosting.Settings;

namespace Provenance.Api.Hosting;

internal static class SearchHosting
{
    /// <summary>
    /// The document search (the <c>Search</c> section): the reader behind <c>GET /v1/documents?q=</c>, and the background
    /// indexer that makes registered texts searchable by their words.
    /// </summary>
    public static IHostApplicationBuilder AddRegistrySearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<SearchOptions>(SearchOptions.Section, SearchOptions.Check);
        builder.Services.AddSingleton<DocumentSearch>();
        builder.Services.AddSingleton<SearchIndexer>();
        builder.Services.AddHostedService<SearchIndexing>();
        return builder;
    }
}
