using Npgsql;
using Provenance.Data.Documents;
using Provenance.Testing;

namespace Provenance.Data.Tests.Documents;

/// <summary>
/// The background search indexer: it finds every committed text however late its transaction commits, and of several
/// indexers one works at a time.
/// </summary>
public class SearchIndexerTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    NpgsqlDataSource DataSource => registry.GetService<NpgsqlDataSource>();

    static string Word() => $"w{Guid.NewGuid():N}";

    async Task<IReadOnlyList<long>> FindAsync(string words)
    {
        Assert.True(SearchQuery.TryParse(words, out var query, out _, out _));
        var page = await new DocumentSearch(DataSource).FindAsync(query, null, 10, TimeSpan.FromSeconds(10), CancellationToken.None);
        return [.. page.Hits.Select(h => h.Id)];
    }

    /// <summary>Writes a document and its text in <paramref name="conn"/>'s open transaction, as registration does.</summary>
    static async Task<long> InsertAsync(NpgsqlConnection conn, string text)
    {
        await using var cmd = new NpgsqlCommand("""
            WITH d AS (
                INSERT INTO documents (content_hash, char_count, token_count, first_seen, last_seen)
                VALUES (sha256(convert_to(@text, 'UTF8')), length(@text), 1, now(), now()) RETURNING id)
            INSERT INTO document_texts (document_id, text) SELECT id, @text FROM d RETURNING document_id
            """, conn);
        cmd.Parameters.AddWithValue("text", text);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ADocumentWhoseTransactionCommitsAfterALaterOnesIsStillIndexed()
    {
        var (earlyWord, laterWord) = (Word(), Word());
        var indexer = new SearchIndexer(DataSource);
        await using var conn = await DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var early = await InsertAsync(conn, $"Taken first, committed last: {earlyWord}.");
        var later = await registry.Client("crawler").RegisterAsync($"Taken second, committed first: {laterWord}.");

        // Two passes while the first transaction is open: a mark moved past the later document would skip the early one.
        var first = await indexer.RunAsync(100, wait: true, CancellationToken.None);
        var second = await indexer.RunAsync(100, wait: true, CancellationToken.None);
        var foundLater = await FindAsync(laterWord);
        await tx.CommitAsync();
        await indexer.RunAsync(100, wait: true, CancellationToken.None);
        var third = await indexer.RunAsync(100, wait: true, CancellationToken.None);

        Assert.True(later.Id > early, $"{later.Id} > {early}");
        Assert.Equal([later.Id], foundLater);
        Assert.True(first.IndexedThrough < early && second.IndexedThrough < early, $"{first.IndexedThrough}, {second.IndexedThrough} < {early}");
        Assert.Equal([early], await FindAsync(earlyWord));
        Assert.True(third.IndexedThrough >= later.Id, $"{third.IndexedThrough} >= {later.Id}");
    }

    [Fact]
    public async Task AnIndexerLeavesTheWorkToOneThatIsAlreadyIndexing()
    {
        var word = Word();
        await using var conn = await DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        // What another process's indexer holds during each of its batches; taken first, so no indexer runs meanwhile.
        await AdvisoryLocks.SearchIndexAsync(conn, wait: true, CancellationToken.None);
        var doc = await registry.Client("crawler").RegisterAsync($"Left to the other indexer: {word}.");

        var skipped = await new SearchIndexer(DataSource).RunAsync(100, wait: false, CancellationToken.None);
        var foundMeanwhile = await FindAsync(word);
        await tx.CommitAsync();
        var pass = await new SearchIndexer(DataSource).RunAsync(100, wait: true, CancellationToken.None);

        Assert.Equal((false, 0), (skipped.Ran, skipped.Indexed));
        Assert.Empty(foundMeanwhile);
        Assert.True(pass.Ran);
        Assert.Equal([doc.Id], await FindAsync(word));
    }
}
