using Npgsql;
using Provenance.Api.Hosting;
using Provenance.Data.Documents;

namespace Provenance.Api.Datasets;

/// <summary>
/// Folds the per-domain count rows that registration appends (<see cref="DocumentDomainCount"/>) into a row per domain
/// once a minute, when they have grown, so that an assembly's read of them stays a read of about one row per domain.
/// Every API process may run one; concurrent compactions are safe (<see cref="DomainCounts.CompactAsync"/>).
/// </summary>
internal sealed partial class DomainCountCompaction(NpgsqlDataSource dataSource, ILogger<DomainCountCompaction> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                var (before, after) = await DomainCounts.CompactIfWorthAsync(dataSource, stoppingToken);
                if (before != after)
                {
                    LogCompacted(logger, before, after);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database down, most often: the compaction must outlive it (a stopped background service stops the
                // API); the rows keep their sums until the next pass.
                LogPassFailed(logger, e);
            }
        }
        while (await Pause.ForAsync(Interval, stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Compacted the source-domain counts from {Before} rows to {After}")]
    static partial void LogCompacted(ILogger logger, long before, long after);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Compacting the source-domain counts failed; it tries again in a minute")]
    static partial void LogPassFailed(ILogger logger, Exception e);
}
