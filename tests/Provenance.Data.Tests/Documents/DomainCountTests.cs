using System.Net.Http.Json;
using Npgsql;
using Provenance.Contracts.Documents;
using Provenance.Data.Documents;
using Provenance.Testing;

namespace Provenance.Data.Tests.Documents;

/// <summary>
/// The per-domain document counts that the triggers on <c>documents</c> keep (what a version's source-coverage report
/// reads) stay equal to a count of the documents, through registration, a later sighting that gives a document its
/// first domain, a deletion and a compaction, without making writers wait for each other.
/// </summary>
public class DomainCountTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    NpgsqlDataSource DataSource => registry.GetService<NpgsqlDataSource>();

    async Task<(long Kept, long Counted)> CountsAsync(string domain)
    {
        await using var cmd = DataSource.CreateCommand("""
            SELECT (SELECT COALESCE(sum(documents), 0)::bigint FROM document_domain_counts WHERE domain = @d),
                   (SELECT count(*) FROM documents WHERE source_domain = @d)
            """);
        cmd.Parameters.AddWithValue("d", domain);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    [Fact]
    public async Task TheCountsFollowRegistrationALaterFirstDomainAndADeletion()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var (first, second) = ($"a{run}.example", $"b{run}.example");
        var crawler = registry.Client("crawler");
        for (var i = 0; i < 3; i++)
        {
            await crawler.RegisterAsync(new RegisterDocumentRequest($"Page {i} of the first site, run {run}.", SourceUri: $"https://{first}/{i}"));
        }
        // Registered without a source, then seen on the second site: its first domain comes with that sighting.
        var late = await crawler.RegisterAsync(new RegisterDocumentRequest($"Seen later on the second site, run {run}."));
        await crawler.RegisterAsync(new RegisterDocumentRequest($"Seen later on the second site, run {run}.", SourceUri: $"https://{second}/late"));

        Assert.Equal((3L, 3L), await CountsAsync(first));
        Assert.Equal((1L, 1L), await CountsAsync(second));

        await using (var delete = DataSource.CreateCommand("""
            DELETE FROM sightings WHERE document_id = @id;
            DELETE FROM assertions WHERE document_id = @id;
            DELETE FROM document_texts WHERE document_id = @id;
            DELETE FROM document_search WHERE document_id = @id;
            DELETE FROM documents WHERE id = @id;
            """))
        {
            delete.Parameters.AddWithValue("id", late.Id);
            await delete.ExecuteNonQueryAsync();
        }
        Assert.Equal((0L, 0L), await CountsAsync(second));

        // Over the whole registry: every domain's kept count is its count of documents, none counted twice; and the same
        // after the rows are folded into one per domain.
        Assert.Equal(0L, await MiscountedDomainsAsync());
        var (before, after) = await DomainCounts.CompactAsync(DataSource, CancellationToken.None);
        Assert.True(after < before, $"{after} < {before}");
        Assert.Equal(0L, await MiscountedDomainsAsync());
        Assert.Equal((3L, 3L), await CountsAsync(first));
    }

    [Fact]
    public async Task AWriterThatHoldsItsTransactionOpenDoesNotHoldUpARegistrationFromTheSameSite()
    {
        var site = $"c{Guid.NewGuid():N}"[..13] + ".example";
        await using var conn = await DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO documents (content_hash, char_count, token_count, first_seen, last_seen, source_domain)
            VALUES (sha256(convert_to(@site, 'UTF8')), 1, 1, now(), now(), @site)
            """, conn))
        {
            insert.Parameters.AddWithValue("site", site);
            await insert.ExecuteNonQueryAsync();
        }

        // Counters updated in place would make this wait for the open transaction; appended rows do not.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await registry.Client("crawler").PostAsJsonAsync("/v1/documents",
            new RegisterDocumentRequest($"Registered while another writer holds its transaction open, {site}.", SourceUri: $"https://{site}/page"),
            timeout.Token);
        Assert.Equal((1L, 1L), await CountsAsync(site));
        await tx.CommitAsync();
        Assert.Equal((2L, 2L), await CountsAsync(site));
    }

    async Task<long> MiscountedDomainsAsync()
    {
        await using var all = DataSource.CreateCommand($"""
            SELECT count(*) FROM ({DomainCounts.ReadSql}) k(domain, n)
              FULL JOIN (SELECT COALESCE(source_domain, '') AS domain, count(*) AS n FROM documents GROUP BY 1) d USING (domain)
             WHERE k.n IS DISTINCT FROM d.n
            """);
        return (long)(await all.ExecuteScalarAsync())!;
    }
}
