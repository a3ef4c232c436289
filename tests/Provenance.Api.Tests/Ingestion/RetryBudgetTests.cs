using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Provenance.Data;
using Provenance.Messaging;
using Provenance.Messaging.Hosting;
using Provenance.Testing;

namespace Provenance.Api.Tests.Ingestion;

/// <summary>
/// Two layers retry transient database errors, the writers (<see cref="TransientRetry"/>) and the bus
/// (<see cref="BusRetry"/>); their attempts multiply, and the operations guide states the product.
/// </summary>
public class RetryBudgetTests
{
    [Fact]
    public void TheTwoRetryLayersMultiplyToTheWorstCaseTheOperationsGuideStates()
    {
        var worstCase = TransientRetry.MaxAttempts * BusRetry.Deliveries;

        var guide = File.ReadAllText(Path.Combine(Repository.Root, "docs", "operations.md"));

        Assert.Equal(15, worstCase);
        Assert.Contains($"up to **{TransientRetry.MaxAttempts}** times", guide);
        Assert.Contains($"**{BusRetry.Deliveries}** deliveries in all", guide);
        Assert.Contains($"{TransientRetry.MaxAttempts} × {BusRetry.Deliveries} = **{worstCase}**", guide);
    }

    [Fact]
    public async Task ABusMessageThatFailsOnATransientDatabaseErrorIsRedeliveredAndThenSucceeds()
    {
        var probe = new Probe(Guid.NewGuid(), FailingDeliveries: 1, SqlState: "40001");
        await using var provider = await StartAsync();

        await provider.GetRequiredService<IBus>().Publish(probe);

        var deliveries = await provider.GetRequiredService<Deliveries>().SucceededAsync(probe.Id);
        Assert.Equal(2, deliveries);
    }

    [Fact]
    public async Task ABusMessageThatFailsOnAnErrorThatIsNotTransientIsDeliveredOnce()
    {
        var probe = new Probe(Guid.NewGuid(), FailingDeliveries: int.MaxValue, SqlState: "22000");
        await using var provider = await StartAsync();
        var harness = provider.GetRequiredService<ITestHarness>();

        await harness.Bus.Publish(probe);

        Assert.True(await harness.Published.Any<Fault<Probe>>(m => m.Context.Message.Message.Id == probe.Id));
        Assert.Equal(1, provider.GetRequiredService<Deliveries>().Count(probe.Id));
    }

    static async Task<ServiceProvider> StartAsync()
    {
        var provider = new ServiceCollection()
            .AddSingleton<Deliveries>()
            .AddMassTransitTestHarness(x =>
            {
                x.UseRegistryDefaults();
                x.AddConsumer<ProbeConsumer, ProbeConsumerDefinition>();
            })
            .BuildServiceProvider(true);
        await provider.GetRequiredService<ITestHarness>().Start();
        return provider;
    }


    public sealed record Probe(Guid Id, int FailingDeliveries, string SqlState);

    /// <summary>Counts each probe's deliveries, and says when one succeeded.</summary>
    public sealed class Deliveries
    {
        readonly Dictionary<Guid, int> _counts = [];
        readonly Dictionary<Guid, TaskCompletionSource<int>> _succeeded = [];

        public int Deliver(Guid id)
        {
            lock (_counts)
            {
                return _counts[id] = _counts.GetValueOrDefault(id) + 1;
            }
        }

        public int Count(Guid id)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(id);
            }
        }

        TaskCompletionSource<int> Source(Guid id)
        {
            lock (_succeeded)
            {
                return _succeeded.TryGetValue(id, out var s) ? s : _succeeded[id] = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Succeed(Guid id, int delivery) => Source(id).TrySetResult(delivery);

        public Task<int> SucceededAsync(Guid id) => Source(id).Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Fails its first deliveries with an error a real PostgreSQL raises, then succeeds.</summary>
    public sealed class ProbeConsumer(Deliveries deliveries) : IConsumer<Probe>
    {
        public async Task Consume(ConsumeContext<Probe> context)
        {
            var probe = context.Message;
            var delivery = deliveries.Deliver(probe.Id);
            if (delivery <= probe.FailingDeliveries)
            {
                await using var conn = new NpgsqlConnection(TestDatabase.ServerConnectionString);
                await conn.OpenAsync(context.CancellationToken);
                await using var cmd = new NpgsqlCommand($"DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '{probe.SqlState}'; END $$", conn);
                await cmd.ExecuteNonQueryAsync(context.CancellationToken);
            }
            deliveries.Succeed(probe.Id, delivery);
        }
    }

    /// <summary>Configured as every Provenance consumer is.</summary>
    public sealed class ProbeConsumerDefinition : ConsumerDefinition<ProbeConsumer>
    {
        protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ProbeConsumer> consumerConfigurator,
            IRegistrationContext context) => endpointConfigurator.UseBusRetryAndOutbox(context);
    }
}
