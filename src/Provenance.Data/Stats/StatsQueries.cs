using Npgsql;
using Provenance.Contracts.Stats;
using Provenance.Data.Detection;
using Provenance.Data.Documents;
using Provenance.Data.Lineage;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;

namespace Provenance.Data.Stats;

/// <summary>Registry-wide counts and the latest registrations, in one round trip of queries over the narrow metadata table.</summary>
public sealed class StatsQueries(NpgsqlDataSource dataSource)
{
    /// <summary>How many of the latest registered documents the stats list.</summary>
    public const int RecentCount = 10;

    /// <param name="textIndexed">Whether texts are indexed for search (<c>Search:IndexText</c>), so the search backlog is counted.</param>
    public async Task<StatsResponse> GetAsync(bool textIndexed, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new("""
                    SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM sightings), (SELECT count(*) FROM lineage_edges),
                           (SELECT count(*) FROM pending_edges), (SELECT count(*) FROM assertions)
                    """),
                new("SELECT class, count(*) FROM documents GROUP BY class"),
                new("""
                    SELECT g.name, g.version, count(*) FROM documents d JOIN generators g ON g.id = d.generator_id
                     GROUP BY g.id ORDER BY count(*) DESC, g.name, g.version
                    """),
                new("SELECT depth, count(*) FROM documents GROUP BY depth ORDER BY depth NULLS LAST"),
                new(DetectionQueries.AwaitingVerdictSql),
                new($"SELECT id, content_hash, class, first_seen FROM documents ORDER BY id DESC LIMIT {RecentCount}"),
            },
        };
        if (textIndexed)
        {
            batch.BatchCommands.Add(new(SearchIndexer.BacklogSql));
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var totals = Enumerable.Range(0, 5).Select(reader.GetInt64).ToArray();

        await reader.NextResultAsync(ct);
        var byClass = Enum.GetValues<ProvenanceClass>().ToDictionary(WireNames.Of, _ => 0L);
        while (await reader.ReadAsync(ct))
        {
            byClass[WireNames.Of(reader.GetFieldValue<ProvenanceClass>(0))] = reader.GetInt64(1);
        }

        await reader.NextResultAsync(ct);
        var byGenerator = new List<GeneratorCount>();
        while (await reader.ReadAsync(ct))
        {
            byGenerator.Add(new GeneratorCount(LineageQueries.GeneratorOf(reader, 0)!, reader.GetInt64(2)));
        }

        await reader.NextResultAsync(ct);
        var byDepth = new List<DepthCount>();
        while (await reader.ReadAsync(ct))
        {
            byDepth.Add(new DepthCount(reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.GetInt64(1)));
        }

        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var awaitingDetector = reader.GetInt64(0);

        await reader.NextResultAsync(ct);
        var recent = new List<RecentDocument>();
        while (await reader.ReadAsync(ct))
        {
            recent.Add(new RecentDocument(reader.GetInt64(0), new ContentHash(reader.GetFieldValue<byte[]>(1)).ToString(),
                WireNames.Of(reader.GetFieldValue<ProvenanceClass>(2)), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        long? awaitingSearchIndex = null;
        if (textIndexed)
        {
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            awaitingSearchIndex = reader.GetInt64(0);
        }
        return new StatsResponse(totals[0], totals[1], totals[2], totals[3], totals[4], byClass, byGenerator, byDepth,
            awaitingDetector, recent, awaitingSearchIndex);
    }
}
