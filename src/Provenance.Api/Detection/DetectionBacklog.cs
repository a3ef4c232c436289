using Npgsql;
using Provenance.Data;
using Provenance.Data.Detection;

namespace Provenance.Api.Detection;

/// <summary>
/// Keeps the <c>provenance.detection.backlog</c> gauge current. The bus has no transactional outbox (each bus
/// endpoint's in-memory outbox empties when its delivery ends), so the backlog worth watching is the classification
/// work: documents of class unknown that no detector has given a verdict yet. Counted here, in the background, because
/// a gauge is read at every scrape and must not wait on the database; a restart or a failed count only delays it.
/// </summary>
internal sealed partial class DetectionBacklog(DetectionQueries queries, DetectionRequester detection, ILogger<DetectionBacklog> logger)
    : BackgroundService
{
    /// <summary>Often enough for a dashboard (Prometheus scrapes every 15–60 s), rarely enough to cost the database nothing.</summary>
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!detection.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                RegistryTelemetry.SetDetectionBacklog(await queries.AwaitingVerdictAsync(stoppingToken));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogCountFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the detection backlog failed ({Reason}); the gauge keeps its last value until the next count")]
    static partial void LogCountFailed(ILogger logger, string reason);
}
