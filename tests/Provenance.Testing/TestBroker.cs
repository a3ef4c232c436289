using System.Diagnostics;
using System.Text;
using Provenance.Messaging;
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

    /// <summary>Waits for a message on <paramref name="queue"/> and returns its headers as strings.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> TakeHeadersAsync(string queue, TimeSpan timeout)
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
                    return (result.BasicProperties.Headers ?? new Dictionary<string, object?>())
                        .ToDictionary(h => h.Key, h => h.Value switch { byte[] b => Encoding.UTF8.GetString(b), null => "", var v => v.ToString() ?? "" });
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // The queue does not exist yet; MassTransit declares it when the first message faults.
                await channel.CloseAsync();
                return await TakeHeadersAsync(queue, deadline - DateTime.UtcNow);
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"no message arrived on {queue} within {timeout}.");
    }
}

/// <summary>The registry host with its bus on the test RabbitMQ, consuming from a queue of its own.</summary>
public class BusRegistryFixture : RegistryFixture
{
    public string Queue { get; } = $"test-register-documents-{Guid.NewGuid():N}";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Broker"] = TestBroker.Uri,
        ["Bus:RegisterDocumentsQueue"] = Queue,
        ["Registry:MaxBatchSize"] = "500",
    };
}
