using MassTransit;
using Provenance.Contracts.Datasets;
using Provenance.Messaging;
using Provenance.Messaging.Hosting;
using Provenance.Testing;

namespace Provenance.Api.Tests.Datasets;

/// <summary>A training job asking for a mix over RabbitMQ gets the same answers as over HTTP.</summary>
public sealed class BusAssemblyTests(BusRegistryFixture registry) : IClassFixture<BusRegistryFixture>
{
    async Task<DatasetAssembled> AskAsync(AssembleDataset request)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.UseBroker(TestBroker.Address, "provenance-tests"));
        await bus.StartAsync();
        try
        {
            var client = bus.CreateRequestClient<AssembleDataset>(new Uri($"queue:{registry.AssembleQueue}"), RequestTimeout.After(s: 60));
            return (await client.GetResponse<DatasetAssembled>(request)).Message;
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    [Fact]
    public async Task AnAssembleDatasetRequestIsAnsweredWithTheVersionAndARedeliveryWithTheSame()
    {
        var crawler = registry.Client("crawler");
        for (var i = 0; i < 8; i++)
        {
            await crawler.RegisterAsync(TestDocuments.UniqueText($"human {i}"), "human");
        }
        var request = new AssembleDataset(Guid.NewGuid(), new DatasetSpec("bus-mix", Target: new DatasetTarget(Documents: 6), MinHumanShare: 0.5), "training-job-7");

        var first = await AskAsync(request);
        var again = await AskAsync(request);

        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(6, first.Version!.Documents);
        Assert.Equal("training-job-7", first.Version.RequestedBy);
        Assert.Equal(first.Version.Id, again.Version!.Id);
        Assert.Equal(first.Version.ManifestHash, again.Version.ManifestHash);
    }

    [Fact]
    public async Task AnImpossibleRequestIsAnsweredWithTheReason()
    {
        var answer = await AskAsync(new AssembleDataset(Guid.NewGuid(),
            new DatasetSpec("bus-impossible", Target: new DatasetTarget(Documents: 1_000_000), MinHumanShare: 0.9), "training-job-8"));

        Assert.False(answer.Succeeded);
        Assert.Equal("infeasible_mix", answer.ErrorCode);
        Assert.Contains("missing", answer.Error);
    }

    [Fact]
    public async Task ARequesterNameTheRegistryCannotStoreIsAnsweredWithTheReason()
    {
        await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText("human"), "human");

        var answer = await AskAsync(new AssembleDataset(Guid.NewGuid(),
            new DatasetSpec("bus-unstorable", Target: new DatasetTarget(Documents: 1), MinHumanShare: 0.5), "job\0nul"));

        Assert.False(answer.Succeeded);
        Assert.Equal("invalid_dataset_spec", answer.ErrorCode);
        Assert.Contains("requestedBy contains a NUL character", answer.Error);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = 'bus-unstorable'"));
    }
}
