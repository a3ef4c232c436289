using Microsoft.Extensions.Options;
using Provenance.Api.Hosting;
using Provenance.Data;
using Provenance.Data.Documents;

namespace Provenance.Api.Documents;

/// <summary>
/// Runs the <see cref="SearchIndexer"/> in the background while <c>Search:IndexText</c> is on: a pass, then another at once
/// while passes find work, otherwise after <c>Search:PollInterval</c>; and keeps the <c>provenance.search.backlog</c> gauge
/// current. Every API process may run one; they take turns through the indexer's lock.
/// </summary>
internal sealed partial class SearchIndexing(SearchIndexer indexer, IOptions<SearchOptions> options, ILogger<SearchIndexing> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.IndexText)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                var pass = await indexer.RunAsync(settings.BatchSize, wait: false, stoppingToken);
                more = pass.Indexed > 0;
                RegistryTelemetry.SetSearchBacklog(await indexer.BacklogAsync(stoppingToken));
                if (pass.Indexed > 0)
                {
                    LogIndexed(logger, pass.Indexed, pass.IndexedThrough);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database down, most often: the indexer must outlive it (a stopped background service stops the
                // API), and the texts wait in document_texts until the next pass.
                LogPassFailed(logger, e);
            }
            if (!more && !await Pause.ForAsync(settings.PollInterval, stoppingToken))
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Indexed the words of {Count} documents for search; every document up to {IndexedThrough} is indexed")]
    static partial void LogIndexed(ILogger logger, int count, long indexedThrough);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The search indexer's pass failed; it tries again shortly")]
    static partial void LogPassFailed(ILogger logger, Exception e);
}
