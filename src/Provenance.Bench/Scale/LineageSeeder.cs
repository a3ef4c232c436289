using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using Provenance.Bench.Seeding;
using Provenance.Domain.Assertions;
using Provenance.Domain.Lineage;

namespace Provenance.Bench.Scale;

/// <summary>
/// Seeds a registry of crawled documents straight into its tables by binary COPY, in steps, with lineage on a share
/// of them: each such document derives from one to three earlier ones, half the time from a recent derived document
/// (so chains form), otherwise from any recent one. Classes and depths follow the registry's own rules
/// (<see cref="GenerationDepth"/>): children are declared synthetic or mixed at 1 + their deepest parent. No texts,
/// sightings or assertions: the bulk is metadata, as a registry whose texts live elsewhere would hold it.
/// </summary>
/// <remarks>
/// One producer draws the rows in id order (a child's depth needs its parents' depths), two writers COPY the steps.
/// The writers turn off the foreign-key triggers for their transactions (<c>session_replication_role = replica</c>):
/// every parent is seeded by construction, and a step's parents may sit in the step the other writer is committing.
/// Each step also claims its documents' content hashes in <c>document_hashes</c>, as registration does.
/// </remarks>
public sealed class LineageSeeder(NpgsqlDataSource seeding, CrawledMetadata metadata, double lineageShare, long capacity)
{
    const int Step = 50_000;
    const int Writers = 2;
    const sbyte Unknown = -1;
    const sbyte NotSeeded = -2;

    static readonly LineageRelation[] Relations = Enum.GetValues<LineageRelation>();
    readonly Random _random = new(2024);
    readonly long[] _recentChildren = new long[65_536];
    long _children;
    sbyte[]? _depths;
    long _firstId;

    public long Edges { get; private set; }

    /// <summary>Seeds <paramref name="count"/> more documents after those already registered.</summary>
    public async Task SeedAsync(long count, CancellationToken ct)
    {
        // The ids are taken from the registry's own sequence in one block, so registration after the seeding goes on from there.
        var last = (long)(await BenchDatabase.ScalarAsync(seeding, $"""
            SELECT setval(pg_get_serial_sequence('documents', 'id'), nextval(pg_get_serial_sequence('documents', 'id')) + {count} - 1)
            """, ct))!;
        var first = last - count + 1;
        if (_depths is null)
        {
            _firstId = first;
            _depths = new sbyte[capacity];
            Array.Fill(_depths, NotSeeded);
        }
        if (last - _firstId >= _depths.Length)
        {
            throw new InvalidOperationException($"the seeder was sized for {capacity:N0} ids from {_firstId:N0}; id {last:N0} is past them");
        }

        var steps = Channel.CreateBounded<SeedStep>(new BoundedChannelOptions(2 * Writers) { SingleWriter = true });
        var clock = Stopwatch.StartNew();
        var every = Math.Clamp(count / 20, 100_000, 5_000_000);
        long done = 0, edges = 0;
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            await foreach (var step in steps.Reader.ReadAllAsync(ct))
            {
                await WriteAsync(step, ct);
                var before = Interlocked.Add(ref done, step.Documents.Length) - step.Documents.Length;
                var total = Interlocked.Add(ref edges, step.Edges.Count);
                if ((before + step.Documents.Length) / every > before / every || before + step.Documents.Length == count)
                {
                    var rows = before + step.Documents.Length;
                    Report.Progress($"seeded {rows:N0} / {count:N0} documents, {total:N0} edges, {rows / clock.Elapsed.TotalSeconds:N0} docs/s, {clock.Elapsed:hh\\:mm\\:ss} elapsed");
                }
            }
        }, ct)).ToList();
        try
        {
            for (var id = first; id <= last; id += Step)
            {
                await steps.Writer.WriteAsync(Draw(id, (int)Math.Min(Step, last - id + 1)), ct);
            }
        }
        finally
        {
            steps.Writer.Complete();
        }
        await Task.WhenAll(writers);
        Edges += edges;
    }

    SeedStep Draw(long firstId, int n)
    {
        var depths = _depths!;
        var documents = new SeedDocument[n];
        var edges = new List<(long Child, long Parent, LineageRelation Relation, int? Generator)>((int)(n * lineageShare * 1.4));
        var parentDepths = new List<int?>(3);
        var parents = new List<long>(3);
        for (var i = 0; i < n; i++)
        {
            var id = firstId + i;
            parents.Clear();
            if (id > _firstId && _random.NextDouble() < lineageShare)
            {
                var roll = _random.NextDouble();
                var count = roll < 0.70 ? 1 : roll < 0.95 ? 2 : 3;
                for (var p = 0; p < count; p++)
                {
                    var parent = PickParent(id);
                    if (!parents.Contains(parent))
                    {
                        parents.Add(parent);
                    }
                }
            }
            ProvenanceClass cls;
            if (parents.Count > 0)
            {
                cls = _random.NextDouble() < 0.8 ? ProvenanceClass.Synthetic : ProvenanceClass.Mixed;
                _recentChildren[_children++ % _recentChildren.Length] = id;
            }
            else
            {
                // 55% human, 6% synthetic, 2% mixed and 7% unknown of the registry, with the 30% children above.
                var roll = _random.NextDouble();
                cls = roll < 0.786 ? ProvenanceClass.Human : roll < 0.872 ? ProvenanceClass.Synthetic : roll < 0.9 ? ProvenanceClass.Mixed : ProvenanceClass.Unknown;
            }
            parentDepths.Clear();
            foreach (var parent in parents)
            {
                var d = depths[parent - _firstId];
                parentDepths.Add(d == Unknown ? null : d);
            }
            var depth = GenerationDepth.Of(cls, parentDepths, hasPendingParents: false);
            depths[id - _firstId] = depth is { } known ? (sbyte)Math.Min(known, sbyte.MaxValue) : Unknown;
            var document = metadata.Next(_random, cls, depth, cls == ProvenanceClass.Unknown ? null : AssertionKind.Declared);
            documents[i] = document;
            foreach (var parent in parents)
            {
                edges.Add((id, parent, Relations[_random.Next(Relations.Length)], document.GeneratorId));
            }
        }
        return new SeedStep(firstId, documents, edges);
    }

    long PickParent(long child)
    {
        if (_children > 0 && _random.NextDouble() < 0.5)
        {
            return _recentChildren[_random.NextInt64(Math.Min(_children, _recentChildren.Length))];
        }
        while (true)
        {
            // The last million seeded, skewed towards the most recent; ids registered between seedings are not ours.
            var u = _random.NextDouble();
            var parent = child - 1 - (long)(u * u * Math.Min(1_000_000, child - _firstId));
            if (_depths![parent - _firstId] != NotSeeded)
            {
                return parent;
            }
        }
    }

    async Task WriteAsync(SeedStep step, CancellationToken ct)
    {
        await using var conn = await seeding.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var off = new NpgsqlCommand("SET LOCAL session_replication_role = replica", conn, tx))
        {
            await off.ExecuteNonQueryAsync(ct);
        }
        await using (var copy = await conn.BeginBinaryImportAsync($"COPY documents (id, {CrawledMetadata.Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < step.Documents.Length; i++)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(step.FirstId + i, NpgsqlDbType.Bigint, ct);
                await CrawledMetadata.WriteAsync(copy, step.Documents[i], ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await conn.BeginBinaryImportAsync("COPY document_hashes (content_hash, document_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < step.Documents.Length; i++)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(step.Documents[i].Hash, NpgsqlDbType.Bytea, ct);
                await copy.WriteAsync(step.FirstId + i, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await conn.BeginBinaryImportAsync("COPY lineage_edges (child_id, parent_id, relation, generator_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (child, parent, relation, generator) in step.Edges)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(child, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(parent, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(relation, "lineage_relation", ct);
                if (generator is { } g)
                {
                    await copy.WriteAsync(g, NpgsqlDbType.Integer, ct);
                }
                else
                {
                    await copy.WriteNullAsync(ct);
                }
            }
            await copy.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    sealed record SeedStep(long FirstId, SeedDocument[] Documents, List<(long Child, long Parent, LineageRelation Relation, int? Generator)> Edges);
}
