using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Provenance.Contracts.Ingestion;
using Provenance.Messaging.Ingestion;
using Provenance.Testing;

namespace Provenance.Messaging.Tests.Ingestion;

/// <summary>A crawler whose broker goes away gives up after its broker timeout, saying so, instead of retrying for an hour.</summary>
public class BrokerTimeoutTests
{
    [Fact]
    public async Task ASendToABrokerThatWentAwayFailsAfterTheBrokerTimeout()
    {
        using var hold = await TestBroker.HoldAsync();
        using var proxy = new TcpProxy(TestBroker.Address.Host, TestBroker.Address.Port);
        var broker = TestBroker.Address with { Host = "127.0.0.1", Port = (ushort)proxy.Port };
        var sink = await BusBatchSink.StartAsync(broker, TimeSpan.FromSeconds(20), CancellationToken.None, $"test-broker-timeout-{Guid.NewGuid():N}",
            brokerTimeout: TimeSpan.FromSeconds(3));
        var batch = new RegisterDocuments(Guid.NewGuid(), "crawler-timeout", [new IncomingDocument("text", null, DateTimeOffset.UtcNow)]);
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        proxy.Dispose();
        var clock = Stopwatch.StartNew();

        var failed = await Assert.ThrowsAsync<BrokerUnreachableException>(() => sink.SendAsync(batch, bounded.Token));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        Assert.Contains("did not take batch", failed.Message);
        Assert.Contains("for 3 s", failed.Message);
        await sink.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
    }

    [Fact]
    public async Task AnUnreachableBrokerAtTheStartFailsWithinTheBrokerTimeout()
    {
        var port = LocalPorts.Free();
        var clock = Stopwatch.StartNew();

        var failed = await Assert.ThrowsAsync<BrokerUnreachableException>(() => BusBatchSink.StartAsync(
            BrokerAddress.Parse($"amqp://guest:guest@127.0.0.1:{port}/"), TimeSpan.FromSeconds(5), CancellationToken.None, "test-unreachable",
            brokerTimeout: TimeSpan.FromSeconds(3)));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.Contains("could not connect to the broker", failed.Message);
    }

    /// <summary>Forwards a local port to the broker; disposing it drops every connection and refuses new ones, as a dead broker would.</summary>
    sealed class TcpProxy : IDisposable
    {
        readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        readonly List<TcpClient> _connections = [];
        readonly CancellationTokenSource _stop = new();

        public TcpProxy(string host, int port)
        {
            _listener.Start();
            _ = AcceptAsync(host, port);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        async Task AcceptAsync(string host, int port)
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client, upstream;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    upstream = new TcpClient();
                    await upstream.ConnectAsync(host, port, _stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                lock (_connections)
                {
                    _connections.AddRange([client, upstream]);
                }
                _ = Pipe(client.GetStream(), upstream.GetStream());
                _ = Pipe(upstream.GetStream(), client.GetStream());
            }
        }

        async Task Pipe(NetworkStream from, NetworkStream to)
        {
            try
            {
                await from.CopyToAsync(to, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            _stop.Cancel();
            _listener.Stop();
            lock (_connections)
            {
                _connections.ForEach(c => c.Dispose());
            }
            _stop.Dispose();
        }
    }
}
