using System.Collections.Concurrent;
using MassTransit;
using Provenance.Contracts.Ingestion;
using Provenance.Messaging.Hosting;

namespace Provenance.Messaging.Ingestion;

/// <summary>
/// Sends <see cref="RegisterDocuments"/> to the registry's queue over RabbitMQ and waits for its answers on a private
/// temporary queue. Delivery is at least once: a send is retried until the broker confirms it, and a batch whose
/// answer does not arrive within the timeout (the consumer died, the broker restarted and the answer was lost) is
/// sent again with the same batch id, which the registry processes idempotently.
/// </summary>
public sealed class BusBatchSink : IBatchSink
{
    readonly IBusControl _bus;
    readonly Uri _queue;
    readonly TimeSpan _confirmTimeout;
    readonly ConcurrentDictionary<Guid, Pending> _pending = new();
    Uri? _responseAddress;
    int _resent;

    BusBatchSink(BrokerAddress broker, string queue, TimeSpan confirmTimeout)
    {
        _queue = new Uri($"queue:{queue}");
        _confirmTimeout = confirmTimeout;
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
            });
        });
    }

    /// <summary>Connects to <paramref name="broker"/>; answers are awaited for <paramref name="confirmTimeout"/> before a batch is re-sent.</summary>
    public static async Task<BusBatchSink> StartAsync(BrokerAddress broker, TimeSpan confirmTimeout, CancellationToken ct,
        string queue = BusConfiguration.RegisterDocumentsQueue)
    {
        var sink = new BusBatchSink(broker, queue, confirmTimeout);
        await sink._bus.StartAsync(ct);
        return sink;
    }

    public int Resent => _resent;

    public async Task<BatchConfirmation> SendAsync(RegisterDocuments batch, CancellationToken ct)
    {
        var pending = _pending.GetOrAdd(batch.BatchId, _ => new Pending());
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
            _pending.TryRemove(batch.BatchId, out _);
        }
    }

    async Task SendOnceAsync(RegisterDocuments batch, CancellationToken ct)
    {
        // While the broker is unreachable (restarting, say) a send fails; keep trying, more slowly each time.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var endpoint = await _bus.GetSendEndpoint(_queue);
                await endpoint.Send(batch, c =>
                {
                    c.ResponseAddress = _responseAddress;
                    c.RequestId = batch.BatchId;
                    c.Durable = true;
                }, ct);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < 1000)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200 * (attempt + 1), 5000)), ct);
            }
        }
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
        public TaskCompletionSource<BatchConfirmation> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public DocumentsRegistered? Registered { get; set; }
        public DocumentsRejected? Rejected { get; set; }
    }
}
