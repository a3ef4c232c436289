using Provenance.Data;
using Provenance.Data.Delivery;
using Provenance.Hosting.Settings;

namespace Provenance.Api.Delivery;

/// <summary>How a sender drains its destination's rows of the outbox: the settings every destination's section has.</summary>
internal interface IOutboxSchedule
{
    /// <summary>Rows sent per claim of the outbox.</summary>
    int BatchSize { get; }

    /// <summary>How often the sender looks for new rows when it has found none.</summary>
    TimeSpan PollInterval { get; }

    /// <summary>The first retry's delay after a failed send; it doubles with each further failure of the same row.</summary>
    TimeSpan MinRetryDelay { get; }

    /// <summary>The longest wait between two tries of one row.</summary>
    TimeSpan MaxRetryDelay { get; }

    /// <summary>One send's limit: a receiver that does not answer in it counts as down.</summary>
    TimeSpan Timeout { get; }

    /// <summary>Whether there is anywhere to send to.</summary>
    bool Enabled { get; }
}

internal static class OutboxSchedule
{
    /// <summary>
    /// How long a sender holds the rows it claimed: longer than sending a whole batch to a receiver that times out every
    /// time, so another API process never sends one of them while this one still may.
    /// </summary>
    public static TimeSpan Lease(this IOutboxSchedule s) => s.Timeout * s.BatchSize + TimeSpan.FromMinutes(1);

    /// <summary>MinRetryDelay doubled for each failed attempt, up to MaxRetryDelay, with up to a fifth taken off at random so that senders spread out.</summary>
    public static TimeSpan Backoff(IOutboxSchedule s, int attempts)
    {
        var doubled = s.MinRetryDelay * Math.Pow(2, Math.Min(Math.Max(attempts - 1, 0), 30));
        var capped = doubled < s.MaxRetryDelay ? doubled : s.MaxRetryDelay;
        return capped * (1 - (Random.Shared.NextDouble() * 0.2));
    }

    /// <summary>The checks of the schedule's keys, for each section's own check.</summary>
    public static void Check(IOutboxSchedule s, string section, SettingFailures failures)
    {
        failures.Range(nameof(s.BatchSize), s.BatchSize, 1, 1000, "rows sent per claim of the outbox");
        CheckDelay(failures, nameof(s.PollInterval), s.PollInterval);
        CheckDelay(failures, nameof(s.MinRetryDelay), s.MinRetryDelay);
        CheckDelay(failures, nameof(s.MaxRetryDelay), s.MaxRetryDelay);
        CheckDelay(failures, nameof(s.Timeout), s.Timeout);
        if (s.MaxRetryDelay < s.MinRetryDelay)
        {
            failures.Add(nameof(s.MaxRetryDelay), $"is {s.MaxRetryDelay}, shorter than {section}:MinRetryDelay ({s.MinRetryDelay}).");
        }
    }

    static void CheckDelay(SettingFailures failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
        {
            failures.Add(key, $"is {value}; it must be more than zero and at most 01:00:00.");
        }
    }
}

/// <summary>
/// Drains one destination of the outbox: claims due rows (<see cref="Outbox.ClaimAsync"/>, so two API processes never
/// send one row at once), sends them in order, marks each sent, and postpones a failed one, with the rows queued after it,
/// with exponential backoff.
/// Delivery is at least once: a row is marked sent only after the receiver accepted it, so a process that dies in between
/// sends it again after its lease, with the same idempotency key for the receiver to deduplicate on. Nothing here can
/// fail what wrote the row; a receiver that is down only grows the backlog.
/// </summary>
/// <param name="queueOf">
/// Which queue a row is in: the rows of one queue are sent in order, so a failure holds back the rest of its queue in
/// the batch (with the failed row's delay), while other queues go on. OpenLineage: the whole batch is one queue, so a
/// run's START always goes before its end. Webhooks: one queue per subscriber, so one that is down delays no other.
/// </param>
internal abstract partial class OutboxDelivery(Outbox outbox, string destination, IOutboxSchedule settings, Func<ClaimedOutboxRow, long> queueOf,
    ILogger logger) : BackgroundService
{
    /// <summary>Sends one row; throws <see cref="HttpRequestException"/> or <see cref="IOException"/> when the receiver did not accept it.</summary>
    protected abstract Task SendAsync(ClaimedOutboxRow row, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await SendBatchAsync(stoppingToken);
                RegistryTelemetry.SetOutboxBacklog(destination, await outbox.BacklogAsync(destination, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong (the database down, most often), the sender must outlive it: a stopped sender
                // would stop the API too, and the rows are safe in the outbox until the next try.
                LogSenderFailed(logger, destination, e);
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

    /// <summary>Sends one claimed batch; true when it was full and nothing failed, so more may be waiting.</summary>
    async Task<bool> SendBatchAsync(CancellationToken stoppingToken)
    {
        var batch = await outbox.ClaimAsync(destination, settings.BatchSize, settings.Lease(), stoppingToken);
        // Queues that failed in this batch, and the rows held back with them. They stay leased (so not due, and a later
        // row of a run still waits for them) until they are postponed together at the end.
        var held = new Dictionary<long, (TimeSpan Delay, string Reason, List<long> Ids)>();
        var i = 0;
        try
        {
            for (; i < batch.Count; i++)
            {
                var row = batch[i];
                var queue = queueOf(row);
                if (held.TryGetValue(queue, out var failed))
                {
                    failed.Ids.Add(row.Id);
                    continue;
                }
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    timeout.CancelAfter(settings.Timeout);
                    await SendAsync(row, timeout.Token);
                }
                catch (Exception failure) when (failure is HttpRequestException or IOException or UnauthorizedAccessException
                                                || (failure is OperationCanceledException && !stoppingToken.IsCancellationRequested))
                {
                    var delay = OutboxSchedule.Backoff(settings, row.Attempts);
                    held[queue] = (delay, failure.Message, [row.Id]);
                    LogSendFailed(logger, destination, row.EventType, row.Id, row.Attempts, delay, failure.Message);
                    continue;
                }
                await outbox.MarkSentAsync(row.Id, CancellationToken.None);
                LogSent(logger, destination, row.EventType, row.Id);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: hand the unsent rest back at once instead of leaving it leased.
            await outbox.PostponeAsync(batch.Skip(i).Select(b => b.Id), TimeSpan.Zero, "the sender stopped before sending it", CancellationToken.None);
            throw;
        }
        finally
        {
            foreach (var (delay, reason, ids) in held.Values)
            {
                await outbox.PostponeAsync(ids, delay, reason, CancellationToken.None);
            }
        }
        return held.Count == 0 && batch.Count == settings.BatchSize;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent {Destination} {EventType} (outbox row {Id})")]
    static partial void LogSent(ILogger logger, string destination, string eventType, long id);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Sending {Destination} {EventType} (outbox row {Id}) failed (attempt {Attempts}): {Reason}; it and the rows queued after it in its batch are tried again in {Delay}")]
    static partial void LogSendFailed(ILogger logger, string destination, string eventType, long id, int attempts, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Destination} sender failed; it tries again shortly")]
    static partial void LogSenderFailed(ILogger logger, string destination, Exception e);
}
