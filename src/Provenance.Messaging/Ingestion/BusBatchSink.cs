using System.Collections.Concurrent;
using MassTransit;
using Provenance.Contracts.Ingestion;
using Provenance.Messaging.Hosting;

namespace Provenance.Messaging.Ingestion;

/// <summary>
/// Sends <see cref="RegisterDocuments"/> to the registry's queue over RabbitMQ and waits for its answers on a private
/// temporary queue. Delivery is at least once: a send is retried until the broker confirms it, and a batch whose
/// answer does not arrive within the timeout (the consumer died, the broker restarted and the answer was lost) is
/// sent again with the same batch id, which the registry processes idempotently. Two things end a batch with an
/// error instead: the registry refusing it as a whole (<see cref="BatchRefusedException"/>: sending it again would be
/// refused again), and the broker staying unreachable for longer than the broker timeout
/// (<see cref="BrokerUnreachableException"/>).
/// </summary>
public sealed class BusBatchSink : IBatchSink
{
    /// <summary>
    /// How long sends may keep failing before a batch fails, by default: long enough to ride out a broker restart or
    /// a failover, short enough that a crawler pointed at a dead or wrong broker says so within minutes.
    /// </summary>
    public static readonly TimeSpan DefaultBrokerTimeout = TimeSpan.FromMinutes(3);

    readonly IBusControl _bus;
    readonly Uri _queue;
    readonly TimeSpan _confirmTimeout;
    readonly TimeSpan _brokerTimeout;
    readonly ConcurrentDictionary<Guid, Pending> _pending = new();
    Uri? _responseAddress;
    int _resent;

    BusBatchSink(BrokerAddress broker, string queue, TimeSpan confirmTimeout, TimeSpan brokerTimeout)
    {
        _queue = new Uri($"queue:{queue}");
        _confirmTimeout = confirmTimeout;
        _brokerTimeout = brokerTimeout;
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.UseBroker(broker, "provenance-ingest");
            cfg.ReceiveEndpoint(new TemporaryEndpointDefinition(), e =>
            {
                // Answers are sent straight to this queue; it must not also receive every published event.
                e.ConfigureConsumeTopology = false;
                _responseAddress = e.InputAddress;
                e.Handler<DocumentsRegistered>(c => Answer(c.Message.BatchId, p => p.Registered = c.Message));
                e.Handler<DocumentsRejected>(c => Answer(c.Message.BatchId, p => p.Rejected = c.Message));
                e.Handler<Fault<RegisterDocuments>>(c => Refused(c.Message));
            });
        });
    }

    /// <summary>Connects to <paramref name="broker"/>; answers are awaited for <paramref name="confirmTimeout"/> before a batch is re-sent.</summary>
    /// <param name="brokerTimeout">
    /// How long the sends of one batch may keep failing (the broker unreachable) before the batch fails with
    /// <see cref="BrokerUnreachableException"/>; <see cref="DefaultBrokerTimeout"/> when null.
    /// </param>
    public static async Task<BusBatchSink> StartAsync(BrokerAddress broker, TimeSpan confirmTimeout, CancellationToken ct,
        string queue = BusConfiguration.RegisterDocumentsQueue, TimeSpan? brokerTimeout = null)
    {
        var sink = new BusBatchSink(broker, queue, confirmTimeout, brokerTimeout ?? DefaultBrokerTimeout);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(sink._brokerTimeout);
        try
        {
            await sink._bus.StartAsync(bounded.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw new BrokerUnreachableException(
                $"could not connect to the broker at {broker}: {e.Message} Check that the broker is running and the broker URI is right.", e);
        }
        return sink;
    }

    public int Resent => _resent;

    public async Task<BatchConfirmation> SendAsync(RegisterDocuments batch, CancellationToken ct)
    {
        var pending = Join(batch.BatchId);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                await SendOnceAsync(batch, ct);
                var timeout = _confirmTimeout * Math.Min(1 << Math.Min(attempt, 4), 16);
                var done = await Task.WhenAny(pending.Completion.Task, Task.Delay(timeout, ct));
                if (done == pending.Completion.Task)
                {
                    return await pending.Completion.Task;
                }
                ct.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _resent);
            }
        }
        finally
        {
            Leave(batch.BatchId, pending);
        }
    }

    /// <summary>
    /// The answer slot of a batch, shared by every send of it that is under way: a run cancelled with a batch in flight
    /// and a resumed run that sends the same batch again wait on one slot, and the slot stays until the last of them
    /// leaves, so an answer is never dropped for want of a slot while someone still waits for it.
    /// </summary>
    Pending Join(Guid batchId)
    {
        while (true)
        {
            var pending = _pending.GetOrAdd(batchId, _ => new Pending());
            Interlocked.Increment(ref pending.Senders);
            if (_pending.TryGetValue(batchId, out var current) && ReferenceEquals(current, pending))
            {
                return pending;
            }
            // The last sender left and removed this slot between the two steps: take a fresh one.
            Interlocked.Decrement(ref pending.Senders);
        }
    }

    void Leave(Guid batchId, Pending pending)
    {
        if (Interlocked.Decrement(ref pending.Senders) == 0)
        {
            _pending.TryRemove(new KeyValuePair<Guid, Pending>(batchId, pending));
        }
    }

    async Task SendOnceAsync(RegisterDocuments batch, CancellationToken ct)
    {
        // While the broker is unreachable (restarting, say) a send fails, or waits for the connection; keep trying,
        // more slowly each time, until the broker timeout has passed since the first failure.
        var started = DateTime.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            var left = _brokerTimeout - (DateTime.UtcNow - started);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            try
            {
                var endpoint = await _bus.GetSendEndpoint(_queue);
                await endpoint.Send(batch, c =>
                {
                    c.ResponseAddress = _responseAddress;
                    c.FaultAddress = _responseAddress;
                    c.RequestId = batch.BatchId;
                    c.Durable = true;
                }, bounded.Token);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                left = _brokerTimeout - (DateTime.UtcNow - started);
                if (left <= TimeSpan.Zero)
                {
                    throw new BrokerUnreachableException(
                        $"the broker did not take batch {batch.BatchId} for {_brokerTimeout.TotalSeconds:N0} s ({attempt + 1} attempts; last error: "
                        + $"{(e is OperationCanceledException ? "the send did not complete" : e.Message)}). Check that the broker is running and the "
                        + "broker URI is right, then run again: the journal keeps every confirmed batch.", e);
                }
                await Task.Delay(Min(TimeSpan.FromMilliseconds(Math.Min(200 * (attempt + 1), 5000)), left), ct);
            }
        }
    }

    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// The registry's consumer gave up on a batch. A refusal (<see cref="InvalidBatchException"/>) fails the batch with
    /// its reason; any other failure (a database outage that outlasted the registry's retries) is left to the re-send
    /// that follows a missing answer.
    /// </summary>
    Task Refused(Fault<RegisterDocuments> fault)
    {
        if (fault.Message is { } batch && _pending.TryGetValue(batch.BatchId, out var pending)
            && fault.Exceptions.FirstOrDefault(e => e.ExceptionType == typeof(InvalidBatchException).FullName) is { } refusal)
        {
            pending.Completion.TrySetException(new BatchRefusedException(
                $"the registry refused batch {batch.BatchId} as a whole: {refusal.Message}", refusal.Message));
        }
        return Task.CompletedTask;
    }

    Task Answer(Guid batchId, Action<Pending> record)
    {
        if (_pending.TryGetValue(batchId, out var pending))
        {
            lock (pending)
            {
                record(pending);
                if (pending.Registered is { } r && (r.Rejected == 0 || pending.Rejected is not null))
                {
                    pending.Completion.TrySetResult(new BatchConfirmation(r.Created, r.Existing, pending.Rejected?.Documents ?? []));
                }
            }
        }
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync(CancellationToken.None);

    sealed class Pending
    {
        /// <summary>Sends of this batch under way (<see cref="Join"/>, <see cref="Leave"/>).</summary>
        public int Senders;

        public TaskCompletionSource<BatchConfirmation> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public DocumentsRegistered? Registered { get; set; }
        public DocumentsRejected? Rejected { get; set; }
    }
}
