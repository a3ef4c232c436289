using Provenance.Client;
using Provenance.Lab.Collapse;
using Provenance.Messaging.Ingestion;
using Provenance.Testing;

namespace Provenance.Lab.Tests.Collapse;

/// <summary>
/// One fixed-seed lab run of three generations under every policy, on a generated corpus, against a registry on the
/// test PostgreSQL that registers over the test RabbitMQ: the tests read its result and the registry it left behind.
/// </summary>
public sealed class CollapseRunFixture : BusRegistryFixture
{
    public const int Pool = 300;
    public const int Generations = 3;

    public CollapseResult Result { get; private set; } = null!;

    public ProvenanceClient RegistryClient { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var http = new HttpClient(CreateHandler()) { BaseAddress = new Uri("http://registry.test/") };
        http.DefaultRequestHeaders.Add(ProvenanceClient.ApiKeyHeader, Key("admin"));
        RegistryClient = new ProvenanceClient(http);
        var settings = new CollapseSettings([CollapsePolicy.Replace, CollapsePolicy.Accumulate, CollapsePolicy.Anchored],
            Generations: Generations, PoolDocuments: Pool, TestDocuments: 150, Seed: 7, BatchSize: 100);
        var corpus = HumanCorpus.Split(GeneratedCorpus.Documents(Pool + 150, seed: 7), Pool, 150, settings.Seed);
        await using var sink = await BusBatchSink.StartAsync(TestBroker.Address, TimeSpan.FromSeconds(30), CancellationToken.None, Queue);
        Result = await new CollapseLab(new LabRegistry(sink, RegistryClient, "collapse-lab-test", settings.BatchSize), settings).RunAsync(corpus, CancellationToken.None);
    }
}
