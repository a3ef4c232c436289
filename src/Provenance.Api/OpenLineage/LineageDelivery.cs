using Microsoft.Extensions.Options;
using Provenance.Data;
using Provenance.Data.OpenLineage;

namespace Provenance.Api.OpenLineage;

/// <summary>
/// Drains the OpenLineage outbox: claims due events (<see cref="LineageOutbox.ClaimAsync"/>, so two API processes never
/// send one row at once), sends them in order, marks each sent, and on a failure puts the rest of the batch off with
/// exponential backoff. Delivery is at least once: an event is marked sent only after the receiver accepted it, so a
/// process that dies in between sends it again after its lease, with the same run id and event type for the receiver to
/// deduplicate on. Nothing here can fail an assembly; a receiver that is down only grows the backlog.
/// </summary>
internal sealed partial class LineageDelivery(LineageOutbox outbox, ILineageTransport transport, IOptions<OpenLineageOptions> options,
    ILogger<LineageDelivery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await SendBatchAsync(settings, stoppingToken);
                RegistryTelemetry.SetLineageBacklog(await outbox.BacklogAsync(stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong (the database down, most often), the sender must outlive it: a stopped sender
                // would stop the API too, and the events are safe in the outbox until the next try.
                LogSenderFailed(logger, e);
            }
            if (!more)
            {
                try
                {
                    await Task.Delay(settings.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Sends one claimed batch; true when it was full and every event went, so more may be waiting.</summary>
    async Task<bool> SendBatchAsync(OpenLineageOptions settings, CancellationToken stoppingToken)
    {
        var batch = await outbox.ClaimAsync(settings.BatchSize, settings.Lease, stoppingToken);
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i];
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(settings.Timeout);
                await transport.SendAsync(e.Payload, timeout.Token);
            }
            catch (Exception failure) when (failure is HttpRequestException or IOException or UnauthorizedAccessException
                                            || (failure is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                // The rest of the batch waits too, so that a run's events keep their order.
                var delay = Backoff(settings, e.Attempts);
                await outbox.PostponeAsync(batch.Skip(i).Select(b => b.Id), delay, failure.Message, CancellationToken.None);
                LogSendFailed(logger, e.EventType, e.RunId, e.Attempts, delay, failure.Message);
                return false;
            }
            catch (OperationCanceledException)
            {
                // Stopping: hand the unsent rest back at once instead of leaving it leased.
                await outbox.PostponeAsync(batch.Skip(i).Select(b => b.Id), TimeSpan.Zero, "the sender stopped before sending it", CancellationToken.None);
                throw;
            }
            await outbox.MarkSentAsync(e.Id, CancellationToken.None);
            LogSent(logger, e.EventType, e.RunId);
        }
        return batch.Count == settings.BatchSize;
    }

    /// <summary>MinRetryDelay doubled for each failed attempt, up to MaxRetryDelay, with up to a fifth taken off at random so that senders spread out.</summary>
    internal static TimeSpan Backoff(OpenLineageOptions settings, int attempts)
    {
        var doubled = settings.MinRetryDelay * Math.Pow(2, Math.Min(Math.Max(attempts - 1, 0), 30));
        var capped = doubled < settings.MaxRetryDelay ? doubled : settings.MaxRetryDelay;
        return capped * (1 - (Random.Shared.NextDouble() * 0.2));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent OpenLineage {EventType} of run {RunId}")]
    static partial void LogSent(ILogger logger, string eventType, Guid runId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Sending OpenLineage {EventType} of run {RunId} failed (attempt {Attempts}): {Reason}; it and the events after it are tried again in {Delay}")]
    static partial void LogSendFailed(ILogger logger, string eventType, Guid runId, int attempts, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OpenLineage sender failed; it tries again shortly")]
    static partial void LogSenderFailed(ILogger logger, Exception e);
}
