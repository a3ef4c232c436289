using System.Diagnostics;
using System.Text;
using Provenance.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Provenance.Worker.Hosting;
using RabbitMQ.Client;

namespace Provenance.Testing;

/// <summary>The RabbitMQ node the test command started, and what tests need to poke at it directly.</summary>
public static class TestBroker
{
    public const string UriVariable = "PROVENANCE_TEST_RABBITMQ";
    public const string RestartVariable = "PROVENANCE_TEST_RABBITMQ_RESTART";

    public static string Uri =>
        Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } uri
            ? uri
            : throw new InvalidOperationException(
                $"Bus tests need RabbitMQ: run deploy/scripts/test.sh, which starts one, or set {UriVariable} to an amqp:// URI.");

    public static BrokerAddress Address => BrokerAddress.Parse(Uri);

    /// <summary>Stops and starts the broker node, as an operator restarting it would.</summary>
    public static async Task RestartAsync()
    {
        var script = Environment.GetEnvironmentVariable(RestartVariable)
            ?? throw new InvalidOperationException($"{RestartVariable} is not set; run the tests with deploy/scripts/test.sh.");
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"restarting RabbitMQ failed: {await stderr}");
        }
    }

    /// <summary>
    /// Takes the node until the returned lease is disposed, waiting while a fixture of this or another test process
    /// holds it. The test command runs the test projects side by side, each in a process of its own, and one test
    /// restarts the node: a host connected to it from another project would lose the broker in the middle of that
    /// project's tests. So the fixtures that connect to the node hold it one at a time across the whole run.
    /// </summary>
    public static async Task<IDisposable> HoldAsync()
    {
        // FileShare.None locks the file exclusively (flock on Unix, a sharing lock on Windows) against other processes
        // and other handles in this one; the system releases it if the process dies. One file per node.
        var path = Path.Combine(Path.GetTempPath(), $"provenance-test-broker-{Address.Host}-{Address.Port}.lock");
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < HoldTimeout)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Longer than any one fixture holds the node, the broker-restart test included.</summary>
    static readonly TimeSpan HoldTimeout = TimeSpan.FromMinutes(15);

    public static async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = new System.Uri(Uri), ClientProvidedName = "provenance-tests" }.CreateConnectionAsync();

    /// <summary>Puts raw bytes on a queue, bypassing MassTransit, as a broken or foreign producer would.</summary>
    public static async Task PublishRawAsync(string queue, byte[] body, string contentType)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicPublishAsync("", queue, mandatory: false,
            new BasicProperties { ContentType = contentType, DeliveryMode = DeliveryModes.Persistent, MessageId = Guid.NewGuid().ToString() }, body);
    }

    /// <summary>
    /// Waits for a message on <paramref name="queue"/> (the first for which <paramref name="match"/> holds, when given)
    /// and returns its headers as strings. Messages that do not match are taken and dropped: an error queue is shared
    /// by every test of a fixture, and another test's fault may be ahead of the one a test waits for.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> TakeHeadersAsync(string queue, TimeSpan timeout,
        Func<IReadOnlyDictionary<string, string>, bool>? match = null)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var result = await channel.BasicGetAsync(queue, autoAck: true);
                if (result is not null)
                {
                    var headers = (result.BasicProperties.Headers ?? new Dictionary<string, object?>())
                        .ToDictionary(h => h.Key, h => h.Value switch { byte[] b => Encoding.UTF8.GetString(b), null => "", var v => v.ToString() ?? "" });
                    if (match is null || match(headers))
                    {
                        return headers;
                    }
                    continue;
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // The queue does not exist yet; MassTransit declares it when the first message faults.
                await channel.CloseAsync();
                return await TakeHeadersAsync(queue, deadline - DateTime.UtcNow, match);
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"no message arrived on {queue} within {timeout}.");
    }
}

/// <summary>
/// The registry host with its bus on the test RabbitMQ, consuming from queues of its own. It holds the node (see
/// <see cref="TestBroker.HoldAsync"/>) from before the host starts until after it stops, so the tests of one such
/// fixture never share the node with another's, in this test project or any other.
/// </summary>
public class BusRegistryFixture : RegistryFixture
{
    IDisposable? _broker;

    public string Queue { get; } = $"test-register-documents-{Guid.NewGuid():N}";

    /// <summary>Where this host sends classification requests, when it does.</summary>
    public string DetectionQueue { get; } = $"test-classify-documents-{Guid.NewGuid():N}";

    /// <summary>Where this host takes dataset requests from.</summary>
    public string AssembleQueue { get; } = $"test-assemble-dataset-{Guid.NewGuid():N}";

    protected virtual bool RequestClassification => false;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Broker"] = TestBroker.Uri,
        ["Bus:RegisterDocumentsQueue"] = Queue,
        ["Registry:MaxBatchSize"] = "500",
        ["Detection:RequestClassification"] = RequestClassification ? "true" : "false",
        ["Detection:Queue"] = DetectionQueue,
        ["Bus:AssembleDatasetQueue"] = AssembleQueue,
    };

    public override async ValueTask InitializeAsync()
    {
        _broker = await TestBroker.HoldAsync();
        try
        {
            await base.InitializeAsync();
        }
        catch
        {
            _broker.Dispose();
            throw;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            _broker?.Dispose();
        }
    }
}

/// <summary>
/// A bus-connected registry that asks detector workers to classify what it registers, and one such worker, started
/// once for the test class (a worker per test would leave consumers of stopped hosts competing for messages).
/// </summary>
public sealed class DetectionRegistryFixture : BusRegistryFixture
{
    IHost? _worker;

    protected override bool RequestClassification => true;

    // As deployed: Detection:InProcess at its default (on), so the broker alone must keep the detector out of the API.
    protected override bool DetectorInProcess => true;

    /// <summary>What the worker logged, for failure messages.</summary>
    public LogSink WorkerLog { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _worker = WorkerHosting.Build([], new Dictionary<string, string?>
        {
            ["ConnectionStrings:Registry"] = ConnectionString,
            ["ConnectionStrings:Broker"] = TestBroker.Uri,
            ["Detection:Queue"] = DetectionQueue,
            ["Detection:MaxWaitMilliseconds"] = "100",
            ["Worker:HealthPort"] = "0",
            ["Logging:LogLevel:MassTransit"] = "Information",
        }, b => b.Logging.AddProvider(WorkerLog));
        await _worker.StartAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync();
            _worker.Dispose();
        }
        await base.DisposeAsync();
    }
}
