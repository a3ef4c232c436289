using System.Diagnostics;
using Npgsql;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>
/// Reads the documents of one registry class that a spec's filters admit, in sample-key order from the seed's start
/// key to the end of the key space and then from its beginning up to the start key, a chunk at a time (keyset
/// pagination on the index <c>(class, sample_key, id)</c>, whose included columns make it an index-only scan). Each
/// stream has its own connection in the assembly's snapshot (<see cref="AssemblySnapshot.OpenStreamAsync"/>), and
/// reads its next chunk in the background while the selector works through the current one.
/// </summary>
/// <remarks>
/// Determinism: what a chunk query asks for (its keyset position and, for token targets, the room left) is fixed at
/// the step of the merge where the previous chunk is handed over, never by when the background read happens to run.
/// </remarks>
internal sealed class CandidateStream : IAsyncDisposable
{
    /// <summary>Small enough that a chunk's buffers stay off the large-object heap, large enough that queries are few.</summary>
    public const int DefaultChunkSize = 5_000;

    readonly NpgsqlConnection _conn;
    readonly NpgsqlTransaction _tx;
    readonly MixSpec _spec;
    readonly ProvenanceClass _class;
    readonly long _start;
    readonly IReadOnlySet<long> _exclude;
    readonly string[] _sql;
    readonly int _chunkSize;
    readonly Queue<Entry> _buffer = new();
    Task<List<Entry>>? _next;
    int _segment;
    long _afterKey;
    long _afterId;
    long _readTicks;
    long _waitTicks;
    int _chunks;

    /// <summary>A stream that reads on <paramref name="conn"/>, in <paramref name="tx"/>, and disposes both.</summary>
    public CandidateStream(NpgsqlConnection conn, NpgsqlTransaction tx, MixSpec spec, ProvenanceClass registryClass, IReadOnlySet<long> exclude, int chunkSize)
    {
        _chunkSize = chunkSize;
        _conn = conn;
        _tx = tx;
        _spec = spec;
        _class = registryClass;
        _start = SampleKey.StartFor(spec.Seed);
        _exclude = exclude;
        _afterKey = _start;
        _afterId = long.MinValue;
        _sql = [BuildSql(spec, registryClass, wrapped: false), BuildSql(spec, registryClass, wrapped: true)];
    }

    /// <summary>Position of the head in the wrapped key order shared by every stream of the assembly, then its id.</summary>
    public (ulong Order, long Id) Head => (_buffer.Peek().Order, _buffer.Peek().Candidate.Document.Id);

    public MixCandidate Take() => _buffer.Dequeue().Candidate;

    public ProvenanceClass Class => _class;

    /// <summary>Time spent reading chunks (mostly ahead, beside the merge), and how many were read.</summary>
    public TimeSpan ReadTime => Stopwatch.GetElapsedTime(0, _readTicks);

    public int Chunks => _chunks;

    /// <summary>Time the merge waited for a chunk that was not read yet.</summary>
    public TimeSpan WaitTime => Stopwatch.GetElapsedTime(0, _waitTicks);

    /// <summary>
    /// The most weight the selector could take from this stream now. Documents of unknown provenance in it may count
    /// as human or synthetic whatever the registry's class says, so with the unknown policy on, those rooms count too.
    /// </summary>
    public long Room(MixSelector selector)
    {
        var room = _class == ProvenanceClass.Unknown ? 0 : selector.RoomFor(_class);
        return _spec.Unknown.Admit
            ? Math.Max(room, Math.Max(selector.RoomFor(ProvenanceClass.Human), selector.RoomFor(ProvenanceClass.Synthetic)))
            : room;
    }

    /// <summary>Makes sure a candidate is buffered; false when the stream has none left.</summary>
    public ValueTask<bool> EnsureAsync(long room, CancellationToken ct) =>
        _buffer.Count > 0 ? ValueTask.FromResult(true) : FillAsync(room, ct);

    async ValueTask<bool> FillAsync(long room, CancellationToken ct)
    {
        while (_buffer.Count == 0 && (_next is not null || _segment < 2))
        {
            var started = Stopwatch.GetTimestamp();
            var chunk = await (_next ?? ReadChunkAsync(room, ct));
            _waitTicks += Stopwatch.GetTimestamp() - started;
            _next = _segment < 2 ? Task.Run(() => ReadChunkAsync(room, ct), ct) : null;
            foreach (var entry in chunk)
            {
                _buffer.Enqueue(entry);
            }
        }
        return _buffer.Count > 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_next is not null)
        {
            try
            {
                await _next;
            }
            catch (Exception e) when (e is OperationCanceledException or NpgsqlException)
            {
                // The read ahead is not needed any more; the connection goes back to the pool either way.
            }
        }
        await _tx.DisposeAsync();
        await _conn.DisposeAsync();
    }

    async Task<List<Entry>> ReadChunkAsync(long room, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await ReadChunkCoreAsync(room, ct);
        }
        finally
        {
            _readTicks += Stopwatch.GetTimestamp() - started;
            _chunks++;
        }
    }

    async Task<List<Entry>> ReadChunkCoreAsync(long room, CancellationToken ct)
    {
        var entries = new List<Entry>(_chunkSize);
        var read = 0;
        await using (var cmd = new NpgsqlCommand(_sql[_segment], _conn))
        {
            AddParameters(cmd, room);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                read++;
                var key = reader.GetInt64(0);
                var id = reader.GetInt64(1);
                (_afterKey, _afterId) = (key, id);
                if (_exclude.Contains(id))
                {
                    continue;
                }
                var document = CandidateRow.Read(reader, _class, _spec.Unknown, id);
                if (document is not null)
                {
                    entries.Add(new Entry(unchecked((ulong)(key - _start)), new MixCandidate(document)));
                }
            }
        }
        if (read < _chunkSize)
        {
            // End of this segment: after the keys from the start point come the keys below it.
            _segment++;
            (_afterKey, _afterId) = (long.MinValue, long.MinValue);
        }
        if (entries.Count == 0 || (!_spec.RequireAnchors && _spec.NearDuplicates is null))
        {
            return entries;
        }
        var roots = _spec.RequireAnchors ? await CandidateChecks.HumanRootsAsync(_conn, [.. entries.Where(e => e.Candidate.Document.IsModelWritten).Select(e => e.Candidate.Document.Id)], ct) : null;
        var signatures = _spec.NearDuplicates is not null ? await CandidateChecks.SignaturesAsync(_conn, [.. entries.Select(e => e.Candidate.Document.Id)], ct) : null;
        return [.. entries.Select(e => e with
        {
            Candidate = e.Candidate with
            {
                HumanRoots = roots is null ? null : roots.TryGetValue(e.Candidate.Document.Id, out var r) ? r : [],
                Signature = signatures?[e.Candidate.Document.Id],
            },
        })];
    }

    void AddParameters(NpgsqlCommand cmd, long room)
    {
        cmd.Parameters.Add(new NpgsqlParameter<ProvenanceClass>("class", _class));
        cmd.Parameters.Add(new NpgsqlParameter<long>("after_key", _afterKey));
        cmd.Parameters.Add(new NpgsqlParameter<long>("after_id", _afterId));
        cmd.Parameters.Add(new NpgsqlParameter<long>("start", _start));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", _chunkSize));
        // Shares in tokens: a document larger than the room left for its class can never be taken, so the index scan
        // skips it instead of shipping it here.
        cmd.Parameters.Add(new NpgsqlParameter<int>("room", (int)Math.Min(room, int.MaxValue)));
        FilterSql.AddParameters(cmd, _spec);
    }

    static string BuildSql(MixSpec spec, ProvenanceClass registryClass, bool wrapped)
    {
        var tokens = spec.Unit == MixUnit.Tokens ? " AND d.token_count <= @room" : "";
        var filters = FilterSql.Where(spec, registryClass is ProvenanceClass.Synthetic or ProvenanceClass.Mixed);
        var range = "(d.sample_key, d.id) > (@after_key, @after_id)" + (wrapped ? " AND d.sample_key < @start" : "");
        var select = $"""
            SELECT d.sample_key, d.id, d.content_hash, d.token_count, d.generator_id, d.depth, d.source_domain,
                   {CandidateRow.UnknownProvenanceColumns}
              FROM documents d
            """;
        if (registryClass == ProvenanceClass.Unknown)
        {
            return $"""
                {select}
                 CROSS JOIN LATERAL ({CandidateRow.DetectorScoreSql()}) det
                  LEFT JOIN LATERAL ({CandidateRow.ParentDepthsSql}) lin ON true
                 WHERE d.class = @class AND {range}{filters}{tokens}
                 ORDER BY d.sample_key, d.id
                 LIMIT @limit
                """;
        }
        // A class only a detector vouches for is unknown provenance: left out, or counted by the spec's thresholds.
        return spec.Unknown.Admit
            ? $"""
                {select}
                  LEFT JOIN LATERAL ({CandidateRow.DetectorScoreSql(" AND d.decided_by = 'detector'")}) det ON true
                  LEFT JOIN LATERAL ({CandidateRow.ParentDepthsSql} AND d.decided_by = 'detector') lin ON true
                 WHERE d.class = @class AND {range}{filters}{tokens}
                 ORDER BY d.sample_key, d.id
                 LIMIT @limit
                """
            : $"""
                {select.Replace(CandidateRow.UnknownProvenanceColumns, CandidateRow.NoUnknownProvenanceColumns, StringComparison.Ordinal)}
                 WHERE d.class = @class AND {range}{filters}{tokens} AND d.decided_by IS DISTINCT FROM 'detector'
                 ORDER BY d.sample_key, d.id
                 LIMIT @limit
                """;
    }

    readonly record struct Entry(ulong Order, MixCandidate Candidate);
}
