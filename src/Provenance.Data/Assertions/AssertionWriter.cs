using Microsoft.Extensions.Logging;
using Npgsql;
using Provenance.Data.Derived;
using Provenance.Data.Generators;
using Provenance.Data.Webhooks;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Generators;

namespace Provenance.Data.Assertions;

/// <summary>An assertion to append; <see cref="AssertionWriter"/> stamps its time.</summary>
/// <param name="SkipIfRepeated">
/// Do not append when it repeats the same asserter's latest assertion of this kind on the document (see
/// <see cref="RepeatedAssertion"/>). Detector verdicts use it, so a redelivered, repeated or misdirected scoring
/// request does not grow the history.
/// </param>
public sealed record NewAssertion(
    long DocumentId,
    AssertionKind Kind,
    string AssertedBy,
    ProvenanceClass Class,
    double? Confidence = null,
    GeneratorName? Generator = null,
    string? EvidenceJson = null,
    bool SkipIfRepeated = false);

/// <summary>What was appended, and the document's derived state afterwards.</summary>
/// <param name="Effective">True when this assertion now decides the document's class.</param>
public sealed record AppendedAssertion(long Id, long DocumentId, DateTimeOffset AssertedAt, ProvenanceClass CurrentClass, int? CurrentDepth, bool Effective);

/// <summary>
/// Appends assertions (a curator's one, or a detector's thousands) and refreshes the derived class and depth of
/// the documents concerned, and the depths below them, in the same transaction, with the webhook events of the class
/// changes (<see cref="ClassChangeEvents"/>).
/// </summary>
public sealed class AssertionWriter(NpgsqlDataSource dataSource, ILogger<AssertionWriter> logger)
{
    static readonly string InsertSql = $"""
        INSERT INTO assertions (document_id, kind, asserted_by, class, confidence, generator_id, evidence)
        SELECT d, k::assertion_kind, b, c::provenance_class, conf, g, e::jsonb
          FROM unnest(@d, @k, @b, @c, @conf, @g, @e, @skip) WITH ORDINALITY AS x(d, k, b, c, conf, g, e, skip, ord)
         WHERE NOT (x.skip AND {RepeatedAssertion.Sql("x.d", "x.k::assertion_kind", "x.b", "x.c::provenance_class", "x.conf", "x.g")})
         ORDER BY ord
        RETURNING id, document_id, asserted_at
        """;

    /// <summary>Appends <paramref name="assertions"/> in order; those skipped as repeats are not in the answer.</summary>
    public Task<IReadOnlyList<AppendedAssertion>> AppendAsync(IReadOnlyList<NewAssertion> assertions, CancellationToken ct) =>
        TransientRetry.RunAsync(() => AppendOnceAsync(assertions, ct), logger, ct);

    async Task<IReadOnlyList<AppendedAssertion>> AppendOnceAsync(IReadOnlyList<NewAssertion> assertions, CancellationToken ct)
    {
        if (assertions.Count == 0)
        {
            return [];
        }
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await AdvisoryLocks.LineageAsync(conn, exclusive: true, ct);
        var generators = await GeneratorStore.EnsureAsync(conn, assertions.Select(a => a.Generator), ct);
        var classChanges = await ClassChangeEvents.BeforeAsync(conn, [.. assertions.Select(a => a.DocumentId).Distinct()], ct);

        var appended = new List<(long Id, long DocumentId, DateTimeOffset At)>(assertions.Count);
        await using (var insert = new NpgsqlCommand(InsertSql, conn))
        {
            insert.Parameters.Add(new NpgsqlParameter<long[]>("d", [.. assertions.Select(a => a.DocumentId)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("k", [.. assertions.Select(a => WireNames.Of(a.Kind))]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("b", [.. assertions.Select(a => a.AssertedBy)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("c", [.. assertions.Select(a => WireNames.Of(a.Class))]));
            insert.Parameters.Add(new NpgsqlParameter<double?[]>("conf", [.. assertions.Select(a => a.Confidence)]));
            insert.Parameters.Add(new NpgsqlParameter<int?[]>("g", [.. assertions.Select(a => a.Generator is null ? (int?)null : generators[a.Generator])]));
            insert.Parameters.Add(new NpgsqlParameter<string?[]>("e", [.. assertions.Select(a => a.EvidenceJson)]));
            insert.Parameters.Add(new NpgsqlParameter<bool[]>("skip", [.. assertions.Select(a => a.SkipIfRepeated)]));
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                appended.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        var documents = appended.Select(a => a.DocumentId).Distinct().ToArray();
        await DerivedState.RefreshClassesAsync(conn, documents, ct);
        if (classChanges is not null)
        {
            await classChanges.WriteAsync(conn, ct);
        }
        await DerivedState.RefreshDepthsAsync(conn, documents, ct);

        var state = new Dictionary<long, (ProvenanceClass Class, int? Depth, long? Decider)>();
        await using (var read = new NpgsqlCommand($"""
            SELECT d.id, d.class, d.depth, x.id FROM documents d LEFT JOIN ({DerivedState.DecidingAssertionSql}) x ON x.document_id = d.id
             WHERE d.id = ANY(@ids)
            """, conn))
        {
            read.Parameters.Add(new NpgsqlParameter<long[]>("ids", documents));
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                state[reader.GetInt64(0)] = (reader.GetFieldValue<ProvenanceClass>(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3));
            }
        }
        await tx.CommitAsync(ct);
        return [.. appended.Select(a =>
        {
            var s = state[a.DocumentId];
            return new AppendedAssertion(a.Id, a.DocumentId, a.At, s.Class, s.Depth, s.Decider == a.Id);
        })];
    }
}
