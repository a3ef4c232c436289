using System.Text.Json;
using MassTransit;
using Provenance.Api.Tests.OpenLineage;
using Provenance.Contracts.Datasets;
using Provenance.Messaging;
using Provenance.Messaging.Hosting;
using Provenance.Testing;

namespace Provenance.Api.Tests.Datasets;

/// <summary>The bus host with OpenLineage's file transport: the run events of its assemblies go to a file of its own.</summary>
public sealed class LineageFileBusFixture : BusRegistryFixture
{
    public string LineageFile { get; } = Path.Combine(Path.GetTempPath(), $"provenance-lineage-{Guid.NewGuid():N}.ndjson");

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["OpenLineage:File"] = LineageFile,
        ["OpenLineage:PollInterval"] = "00:00:00.100",
    };

    /// <summary>The events written so far, one JSON document a line.</summary>
    public List<JsonElement> LineageEvents()
    {
        if (!File.Exists(LineageFile))
        {
            return [];
        }
        using var reader = new StreamReader(new FileStream(LineageFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var text = reader.ReadToEnd();
        // Only whole lines: the sender may be appending one right now.
        return [.. text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(LineageFile);
    }
}

/// <summary>A training job asking for a mix over RabbitMQ gets the same answers as over HTTP.</summary>
public sealed class BusAssemblyTests(LineageFileBusFixture registry) : IClassFixture<LineageFileBusFixture>
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

    [Fact]
    public async Task ABusAssemblyIsARunWhoseStartAndCompleteReachTheOpenLineageFileOnce()
    {
        var schemas = OpenLineageSchemas.Load();
        var crawler = registry.Client("crawler");
        for (var i = 0; i < 3; i++)
        {
            await crawler.RegisterAsync(TestDocuments.UniqueText($"human {i}"), "human");
        }
        var dataset = $"bus-lineage-{Guid.NewGuid():N}"[..24];
        var request = new AssembleDataset(Guid.NewGuid(), new DatasetSpec(dataset, Target: new DatasetTarget(Documents: 2), MinHumanShare: 0.5), "training-job-9");

        var answer = await AskAsync(request);
        await AskAsync(request);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<JsonElement> events;
        while ((events = [.. registry.LineageEvents().Where(e => e.GetProperty("job").GetProperty("name").GetString() == $"assemble.{dataset}")]).Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the run's events in the file");
            await Task.Delay(50);
        }
        await Task.Delay(300);
        events = [.. registry.LineageEvents().Where(e => e.GetProperty("job").GetProperty("name").GetString() == $"assemble.{dataset}")];

        Assert.True(answer.Succeeded, answer.Error);
        Assert.Equal(["START", "COMPLETE"], events.Select(e => e.GetProperty("eventType").GetString()));
        Assert.Single(events.Select(e => e.GetProperty("run").GetProperty("runId").GetString()).Distinct());
        Assert.All(events, e => Assert.Empty(schemas.Check(e)));
        Assert.Equal(answer.Version!.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            events[1].GetProperty("outputs")[0].GetProperty("facets").GetProperty("version").GetProperty("datasetVersion").GetString());
    }
}
