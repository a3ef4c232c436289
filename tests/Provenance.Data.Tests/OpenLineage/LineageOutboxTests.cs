using Npgsql;
using Provenance.Data.OpenLineage;
using Provenance.Testing;

namespace Provenance.Data.Tests.OpenLineage;

/// <summary>The outbox's own rules, on the schema the migrations build: one start and one end per run, and the lease.</summary>
public class LineageOutboxTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    static readonly LineageSettings Settings = new("provenance", "urn:provenance:registry", "urn:provenance:test");

    LineageOutbox Outbox(NpgsqlDataSource dataSource) => new(dataSource, Settings);

    [Fact]
    public async Task ARunHasOneStartAndOneEndAndTheFirstEndWrittenIsIt()
    {
        await using var dataSource = NpgsqlDataSource.Create(registry.ConnectionString);
        var outbox = Outbox(dataSource);
        var run = Guid.CreateVersion7();

        await outbox.AddAsync(run, RunEvents.Start, """{"n":1}""", CancellationToken.None);
        await outbox.AddAsync(run, RunEvents.Start, """{"n":2}""", CancellationToken.None);
        await outbox.AddAsync(run, RunEvents.Complete, """{"n":3}""", CancellationToken.None);
        await outbox.AddAsync(run, RunEvents.Fail, """{"n":4}""", CancellationToken.None);

        Assert.Equal("START {\"n\":1} COMPLETE {\"n\":3}", await registry.ScalarAsync<string>(
            "SELECT string_agg(event_type || ' ' || payload::text, ' ' ORDER BY id) FROM outbox WHERE run_id = @run", ("run", run)));
    }

    [Fact]
    public async Task AClaimedEventIsLeasedFromOtherSendersAndARunsEndWaitsWhileItsStartIsLeased()
    {
        await using var dataSource = NpgsqlDataSource.Create(registry.ConnectionString);
        var outbox = Outbox(dataSource);
        var run = Guid.CreateVersion7();
        await outbox.AddAsync(run, RunEvents.Start, "{}", CancellationToken.None);
        await outbox.AddAsync(run, RunEvents.Complete, "{}", CancellationToken.None);
        var lease = TimeSpan.FromMinutes(5);

        var first = (await outbox.ClaimAsync(1000, lease, CancellationToken.None)).Where(e => e.RunId == run).ToList();
        var second = (await outbox.ClaimAsync(1000, lease, CancellationToken.None)).Where(e => e.RunId == run).ToList();
        await outbox.PostponeAsync([first[1].Id], TimeSpan.Zero, "handed back", CancellationToken.None);
        var whileStartLeased = (await outbox.ClaimAsync(1000, lease, CancellationToken.None)).Where(e => e.RunId == run).ToList();
        await outbox.MarkSentAsync(first[0].Id, CancellationToken.None);
        var afterStartSent = (await outbox.ClaimAsync(1000, lease, CancellationToken.None)).Where(e => e.RunId == run).ToList();

        Assert.Equal([RunEvents.Start, RunEvents.Complete], first.Select(e => e.EventType));
        Assert.Empty(second);
        Assert.Empty(whileStartLeased);
        Assert.Equal((RunEvents.Complete, 2), (afterStartSent.Single().EventType, afterStartSent.Single().Attempts));
    }
}
