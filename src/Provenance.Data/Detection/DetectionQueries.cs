using Npgsql;
using Provenance.Domain.Assertions;

namespace Provenance.Data.Detection;

/// <summary>What the detector workers read, and which documents need (re)scoring. Keyset-paged, so a sweep over
/// millions of documents never holds a long transaction.</summary>
public sealed class DetectionQueries(NpgsqlDataSource dataSource)
{
    public async Task<List<(long Id, string Text)>> TextsAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT document_id, text FROM document_texts WHERE document_id = ANY(@ids)");
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. ids.Distinct()]));
        var texts = new List<(long, string)>(ids.Count);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            texts.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        return texts;
    }

    /// <summary>The count the counting stops at: past it the gauge says "at least this many", and the count stays cheap.</summary>
    public const int BacklogCap = 1_000_000;

    /// <summary>
    /// Documents of class unknown without any detector assertion: those waiting for a first verdict (a request on the
    /// queue, or none sent yet). Counted up to <see cref="BacklogCap"/>.
    /// </summary>
    public async Task<long> AwaitingVerdictAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(AwaitingVerdictSql);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The count of <see cref="AwaitingVerdictAsync"/>, also run by the registry's stats.</summary>
    internal static readonly string AwaitingVerdictSql = $"""
        SELECT count(*) FROM (
            SELECT 1 FROM documents d
             WHERE d.class = 'unknown'
               AND NOT EXISTS (SELECT 1 FROM assertions a WHERE a.document_id = d.id AND a.kind = 'detector')
             LIMIT {BacklogCap}) awaiting
        """;

    /// <summary>Documents whose class is unknown, after id <paramref name="afterId"/>.</summary>
    public Task<List<long>> UnknownAsync(long afterId, int limit, CancellationToken ct) => IdsAsync(
        "SELECT id FROM documents WHERE class = 'unknown' AND id > @after ORDER BY id LIMIT @limit", afterId, limit, null, ct);

    /// <summary>
    /// Documents scored by another version of <paramref name="currentModel"/>'s detector (same name before the @) and
    /// not yet by <paramref name="currentModel"/> itself. <paramref name="currentModel"/> should be the model the
    /// workers run: they score with their own model whatever a request names.
    /// </summary>
    public Task<List<long>> ScoredByOlderVersionsAsync(string currentModel, long afterId, int limit, CancellationToken ct) => IdsAsync("""
        SELECT DISTINCT a.document_id
          FROM assertions a
         WHERE a.kind = 'detector' AND a.document_id > @after
           AND a.asserted_by LIKE @family ESCAPE '\' AND a.asserted_by <> @model
           AND NOT EXISTS (SELECT 1 FROM assertions b WHERE b.document_id = a.document_id AND b.kind = 'detector' AND b.asserted_by = @model)
         ORDER BY a.document_id
         LIMIT @limit
        """, afterId, limit, currentModel, ct);

    async Task<List<long>> IdsAsync(string sql, long afterId, int limit, string? model, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<long>("after", afterId));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        if (model is not null)
        {
            var family = model[..(model.LastIndexOf('@') is var at and >= 0 ? at : model.Length)];
            cmd.Parameters.Add(new NpgsqlParameter<string>("model", model));
            cmd.Parameters.Add(new NpgsqlParameter<string>("family", family.Replace(@"\", @"\\", StringComparison.Ordinal)
                .Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "@%"));
        }
        var ids = new List<long>(limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }
}
