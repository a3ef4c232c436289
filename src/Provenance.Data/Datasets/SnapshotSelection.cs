using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>
/// Chooses a version's documents in one <see cref="AssemblySnapshot"/>: reads the base, then offers
/// <see cref="MixSelector"/> the candidates in sample-key order, once more when the selector finds a better allocation,
/// and when the spec cannot be met counts the pool that explains why.
/// </summary>
internal static class SnapshotSelection
{
    public static async Task<SelectionResult> SelectAsync(NpgsqlDataSource dataSource, MixSpec spec, int chunkSize, AssemblyPhases phases, CancellationToken ct)
    {
        await using var snapshot = await AssemblySnapshot.OpenAsync(dataSource, ct);

        BaseVersion? baseVersion = null;
        if (spec.Base is not null)
        {
            baseVersion = await snapshot.FindBaseAsync(spec.Base, ct);
            if (baseVersion is null)
            {
                return Refuse(AssemblyRefused.UnknownBase,
                    $"base '{spec.Base}' is not a dataset version in this registry; list versions with GET /v1/datasets, or leave base out to start a new chain.");
            }
        }
        await snapshot.StartCountingDomainsAsync(ct);

        var names = await snapshot.GeneratorNamesAsync(ct);
        string Name(int g) => g == MixSelector.Unattributed ? "model-written text that names no generator" : names.GetValueOrDefault(g, $"generator {g}");

        var (baseDocuments, reclassified) = baseVersion is null ? ([], 0) : await snapshot.BaseDocumentsAsync(baseVersion.Id, spec, ct);
        var baseSignatures = spec.NearDuplicates is null || baseDocuments.Count == 0 ? null : await snapshot.SignaturesAsync(baseDocuments, ct);
        var baseIds = baseDocuments.Select(d => d.Id).ToHashSet();

        var selector = new MixSelector(spec, baseDocuments, baseSignatures);
        if (!selector.BaseFits)
        {
            var shortfalls = selector.BaseShortfalls(Name, (await snapshot.PoolAsync(spec, baseVersion!.Id, ct)).Supply);
            return Refuse(AssemblyRefused.Infeasible,
                $"No documents added to base {baseVersion.Ref} can meet the spec. " + MixShortfall.Describe(shortfalls), shortfalls);
        }
        phases.End("selection: snapshot, base, generators");
        var read = await RunPassAsync(snapshot, spec, selector, baseIds, chunkSize, phases, ct);
        phases.End("selection: pass 1");
        if (selector.BetterAllocation() is { } allocation)
        {
            selector = new MixSelector(spec, baseDocuments, baseSignatures, allocation);
            read += await RunPassAsync(snapshot, spec, selector, baseIds, chunkSize, phases, ct);
            phases.End("selection: pass 2");
        }
        var outcome = selector.Finish(Name);
        if (!outcome.Met)
        {
            var (pool, supply) = await snapshot.PoolAsync(spec, baseVersion?.Id, ct);
            outcome = selector.Finish(Name, pool, supply);
            return Refuse(AssemblyRefused.Infeasible, Explain(spec, selector, outcome.Shortfalls), outcome.Shortfalls);
        }
        phases.Restart();
        var registry = await snapshot.RegistryDomainsAsync();
        phases.End("selection: waiting for the registry's domain count");
        await snapshot.CommitAsync(ct);
        phases.End("selection: commit");
        return new Selected(outcome.Documents, outcome.BaseCount, baseVersion, reclassified, names, registry, read);
    }

    static SelectionRefused Refuse(string code, string detail, IReadOnlyList<MixShortfall>? shortfalls = null) =>
        new(new AssemblyRefused(code, detail, shortfalls ?? []));

    static string Explain(MixSpec spec, MixSelector selector, IReadOnlyList<MixShortfall> shortfalls) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{spec.Target:N0} {spec.UnitName} were asked for and only {selector.Weight:N0} fit the spec's constraints ")
        + string.Create(CultureInfo.InvariantCulture, $"({Math.Max(0, spec.Target - selector.Weight):N0} missing). ") + MixShortfall.Describe(shortfalls);

    /// <summary>Offers candidates to <paramref name="selector"/> in the order of their sample keys across all classes.</summary>
    static async Task<long> RunPassAsync(AssemblySnapshot snapshot, MixSpec spec, MixSelector selector, IReadOnlySet<long> baseIds, int chunkSize,
        AssemblyPhases phases, CancellationToken ct)
    {
        var classes = new List<ProvenanceClass>();
        foreach (var cls in (ReadOnlySpan<ProvenanceClass>)[ProvenanceClass.Human, ProvenanceClass.Synthetic, ProvenanceClass.Mixed])
        {
            if (spec.Filters.Allows(cls))
            {
                classes.Add(cls);
            }
        }
        if (spec.Unknown.Admit && (spec.Filters.Allows(ProvenanceClass.Human) || spec.Filters.Allows(ProvenanceClass.Synthetic)))
        {
            classes.Add(ProvenanceClass.Unknown);
        }
        var streams = new List<CandidateStream>();
        try
        {
            foreach (var cls in classes)
            {
                streams.Add(await snapshot.OpenStreamAsync(spec, cls, baseIds, chunkSize, ct));
            }
            return await MergeAsync(streams, selector, phases, ct);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
                phases.Add($"  {stream.Class} stream: chunk reads (in the background, {stream.Chunks} chunks)", stream.ReadTime);
            }
        }
    }

    static async Task<long> MergeAsync(List<CandidateStream> streams, MixSelector selector, AssemblyPhases phases, CancellationToken ct)
    {
        // Timed as a whole and by the streams' waits, not per candidate: two clock reads a candidate cost more than the
        // rooms and heads they would have timed.
        var started = Stopwatch.GetTimestamp();
        long read = 0;
        while (!selector.Done)
        {
            CandidateStream? next = null;
            foreach (var stream in streams)
            {
                var room = stream.Room(selector);
                if (room > 0 && await stream.EnsureAsync(room, ct) && (next is null || stream.Head.CompareTo(next.Head) < 0))
                {
                    next = stream;
                }
            }
            if (next is null)
            {
                break;
            }
            selector.Consider(next.Take());
            read++;
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        var waited = TimeSpan.FromTicks(streams.Sum(s => s.WaitTime.Ticks));
        phases.Add("  merge: waits for chunks not read yet", waited);
        phases.Add("  merge: rooms, heads and MixSelector.Consider", elapsed - waited);
        return read;
    }
}
