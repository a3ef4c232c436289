namespace Provenance.Api.Tests.Ingestion;

/// <summary>
/// Tests that use the shared RabbitMQ node. One of them restarts it, so they run one class at a time and apart
/// from the rest of the suite.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerCollection
{
    public const string Name = "broker";
}
