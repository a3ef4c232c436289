using Microsoft.EntityFrameworkCore;
using Provenance.Data.Access;
using Provenance.Data.Assertions;
using Provenance.Data.Datasets;
using Provenance.Data.Documents;
using Provenance.Data.Generators;
using Provenance.Data.Lineage;
using Provenance.Data.Webhooks;
using Provenance.Data.Delivery;
using Provenance.Data.OpenLineage;

namespace Provenance.Data;

/// <summary>The registry's schema. It changes only through the migrations in <c>migrations/</c>.</summary>
public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options)
{
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<DocumentHash> DocumentHashes => Set<DocumentHash>();
    public DbSet<DocumentDomainCount> DocumentDomainCounts => Set<DocumentDomainCount>();
    public DbSet<DocumentText> DocumentTexts => Set<DocumentText>();
    public DbSet<DocumentSearchVector> DocumentSearchVectors => Set<DocumentSearchVector>();
    public DbSet<Sighting> Sightings => Set<Sighting>();
    public DbSet<Generator> Generators => Set<Generator>();
    public DbSet<Assertion> Assertions => Set<Assertion>();
    public DbSet<LineageEdge> LineageEdges => Set<LineageEdge>();
    public DbSet<PendingEdge> PendingEdges => Set<PendingEdge>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<DatasetVersion> DatasetVersions => Set<DatasetVersion>();
    public DbSet<DatasetVersionDocument> DatasetVersionDocuments => Set<DatasetVersionDocument>();
    public DbSet<OutboxEntry> Outbox => Set<OutboxEntry>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RegistryDbContext).Assembly);
}
