using Npgsql;
using Provenance.Contracts.Stats;
using Provenance.Data.Lineage;
using Provenance.Domain;
using Provenance.Domain.Assertions;

namespace Provenance.Data.Stats;

/// <summary>Registry-wide counts, in one round trip of GROUP BY queries over the narrow metadata table.</summary>
public sealed class StatsQueries(NpgsqlDataSource dataSource)
{
    public async Task<StatsResponse> GetAsync(CancellationToken ct)
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
            },
        };
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
        return new StatsResponse(totals[0], totals[1], totals[2], totals[3], totals[4], byClass, byGenerator, byDepth);
    }
}
