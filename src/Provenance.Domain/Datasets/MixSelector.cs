using System.Globalization;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;

namespace Provenance.Domain.Datasets;

/// <summary>What a selection pass produced: the version's documents (base first), or why the spec cannot be met.</summary>
public sealed record MixOutcome(bool Met, IReadOnlyList<MixDocument> Documents, int BaseCount, IReadOnlyList<MixShortfall> Shortfalls);

/// <summary>
/// Decides, candidate by candidate in sample-key order, what a dataset version takes. The base comes first and is
/// kept whole (accumulation: a version never drops a document of its base). A new document is taken when it is
/// not in the mix yet (content hash), counts as an allowed class, and fits every limit of the whole version:
/// <list type="bullet">
/// <item>human documents are always taken while the target is not reached;</item>
/// <item>model-written ones (synthetic, mixed) only while they stay within (1 - minHumanShare) of the target, synthetic
/// ones within maxSyntheticShare, each generator within maxGeneratorShare, and, with requireAnchors, when one of their
/// human roots is already in the mix;</item>
/// <item>with nearDuplicates, nothing too similar to a document in the mix.</item>
/// </list>
/// Limits are fractions of the target, and the version ends at the target or a little above it (tokens), so every
/// share holds for the final version too. The order of candidates is the only source of randomness: the same
/// candidates in the same order always give the same version.
/// </summary>
public sealed class MixSelector
{
    /// <summary>Generator key for model-written documents that name no generator; the cap treats them as one writer.</summary>
    public const int Unattributed = 0;

    readonly MixSpec _spec;
    readonly IReadOnlyDictionary<(ProvenanceClass Class, int Generator), long>? _quotas;
    readonly Dictionary<(ProvenanceClass Class, int Generator), long> _quotaUsed = [];
    readonly HashSet<long> _ids;
    readonly HashSet<ContentHash> _hashes;
    readonly HashSet<long> _humans;
    readonly NearDuplicateIndex? _near;
    readonly Dictionary<int, long> _byGenerator = [];
    readonly Dictionary<int, long> _baseByGenerator = [];
    readonly List<MixDocument> _documents;
    readonly Dictionary<SkipReason, (long Count, long Weight)> _skipped = [];
    readonly Dictionary<int, long> _cappedGenerators = [];
    readonly Dictionary<(ProvenanceClass Class, int Generator), long> _eligibleModelWritten = [];
    readonly (long Count, long Weight)[] _considered = new (long, long)[Enum.GetValues<ProvenanceClass>().Length];
    // The spec's class filter by class: asked several times for every candidate.
    readonly bool[] _allowed = new bool[Enum.GetValues<ProvenanceClass>().Length];
    readonly int _baseCount;
    readonly long _baseWeight, _baseHuman, _baseNonHuman, _baseSynthetic;
    long _weight, _human, _nonHuman, _synthetic;

    /// <param name="baseDocuments">The base version's documents in their order, as the registry describes them now.</param>
    /// <param name="baseSignatures">With nearDuplicates, the base documents' MinHash signatures, in the same order.</param>
    /// <param name="quotas">For a second pass: the most weight each (class, generator) of model-written documents may add
    /// (see <see cref="BetterAllocation"/>).</param>
    public MixSelector(MixSpec spec, IReadOnlyList<MixDocument> baseDocuments, IReadOnlyList<uint[]>? baseSignatures = null,
        IReadOnlyDictionary<(ProvenanceClass Class, int Generator), long>? quotas = null)
    {
        _spec = spec;
        _quotas = quotas;
        foreach (var cls in Enum.GetValues<ProvenanceClass>())
        {
            _allowed[(int)cls] = spec.Filters.Allows(cls);
        }
        // Sized up front: growing million-entry sets step by step churns the large-object heap.
        var expected = (int)Math.Min(baseDocuments.Count + (spec.Unit == MixUnit.Documents ? spec.Target : 0), 1 << 22);
        _ids = new HashSet<long>(expected);
        _hashes = new HashSet<ContentHash>(expected);
        _humans = new HashSet<long>(spec.RequireAnchors ? expected : 0);
        _documents = new List<MixDocument>(expected);
        Target = spec.Target;
        NonHumanLimit = (long)decimal.Floor(spec.Target * (1 - spec.MinHumanShare));
        SyntheticLimit = (long)decimal.Floor(spec.Target * spec.MaxSyntheticShare);
        GeneratorLimit = spec.MaxGeneratorShare is { } cap ? (long)decimal.Floor(spec.Target * cap) : null;
        if (spec.NearDuplicates is { } near)
        {
            _near = new NearDuplicateIndex(near.Threshold);
        }
        for (var i = 0; i < baseDocuments.Count; i++)
        {
            var d = baseDocuments[i];
            if (!_ids.Add(d.Id) || !_hashes.Add(d.Hash))
            {
                throw new ArgumentException($"document {d.Id} is in the base twice.", nameof(baseDocuments));
            }
            Take(d);
            if (_near is not null)
            {
                _near.Add(baseSignatures?[i] ?? throw new ArgumentException("nearDuplicates needs the base documents' signatures.", nameof(baseSignatures)));
            }
        }
        foreach (var (generator, weight) in _byGenerator)
        {
            _baseByGenerator[generator] = weight;
        }
        _baseCount = baseDocuments.Count;
        (_baseWeight, _baseHuman, _baseNonHuman, _baseSynthetic) = (_weight, _human, _nonHuman, _synthetic);
    }

    public long Target { get; }

    /// <summary>The most weight of model-written (and unknown base) documents the version may hold: (1 - minHumanShare) × target.</summary>
    public long NonHumanLimit { get; }

    public long SyntheticLimit { get; }

    public long? GeneratorLimit { get; }

    public long Weight => _weight;

    public bool Done => _weight >= Target;

    /// <summary>
    /// The largest weight a document counted as <paramref name="counted"/> could still be taken with; 0 when none can.
    /// Readers use it to stop reading a class early, and (for tokens) to skip documents that are too large.
    /// </summary>
    public long RoomFor(ProvenanceClass counted)
    {
        if (Done || !_allowed[(int)counted])
        {
            return 0;
        }
        var nonHuman = NonHumanLimit - _nonHuman;
        var room = counted switch
        {
            ProvenanceClass.Human => long.MaxValue,
            ProvenanceClass.Synthetic => Math.Min(nonHuman, SyntheticLimit - _synthetic),
            ProvenanceClass.Mixed => nonHuman,
            _ => 0,
        };
        if (_quotas is not null && counted is ProvenanceClass.Synthetic or ProvenanceClass.Mixed)
        {
            room = Math.Min(room, _quotas.Where(q => q.Key.Class == counted).Select(q => q.Value - _quotaUsed.GetValueOrDefault(q.Key)).DefaultIfEmpty(0).Max());
        }
        return Math.Max(0, room);
    }

    /// <summary>Offers one candidate; returns null when it was taken, or why not.</summary>
    public SkipReason? Consider(MixCandidate candidate)
    {
        var d = candidate.Document;
        if (Done)
        {
            throw new InvalidOperationException("the mix is complete; stop offering candidates.");
        }
        if (_ids.Contains(d.Id) || _hashes.Contains(d.Hash))
        {
            return Skip(SkipReason.Duplicate, 0);
        }
        var w = _spec.WeightOf(d.Tokens);
        if (d.CountedAs == ProvenanceClass.Unknown)
        {
            return Skip(SkipReason.UnknownClass, w);
        }
        ref var considered = ref _considered[(int)d.CountedAs];
        considered = (considered.Count + 1, considered.Weight + w);
        if (!_allowed[(int)d.CountedAs])
        {
            return Skip(SkipReason.ClassFilter, w);
        }
        if (d.IsModelWritten)
        {
            if (_spec.MaxDepth is { } max && (d.Depth is null || d.Depth > max))
            {
                return Skip(SkipReason.TooDeep, w);
            }
            var generator = d.GeneratorId ?? Unattributed;
            var key = (d.CountedAs, generator);
            _eligibleModelWritten[key] = _eligibleModelWritten.GetValueOrDefault(key) + w;
            if (_spec.RequireAnchors && !(candidate.HumanRoots ?? throw new ArgumentException("requireAnchors needs the candidate's human roots.", nameof(candidate))).Any(_humans.Contains))
            {
                return Skip(SkipReason.Unanchored, w);
            }
            if (_nonHuman + w > NonHumanLimit)
            {
                return Skip(SkipReason.HumanFloor, w);
            }
            if (d.CountedAs == ProvenanceClass.Synthetic && _synthetic + w > SyntheticLimit)
            {
                return Skip(SkipReason.SyntheticCap, w);
            }
            if (GeneratorLimit is { } cap && _byGenerator.GetValueOrDefault(generator) + w > cap)
            {
                _cappedGenerators[generator] = _cappedGenerators.GetValueOrDefault(generator) + 1;
                return Skip(SkipReason.GeneratorCap, w);
            }
            if (_quotas is not null && _quotaUsed.GetValueOrDefault(key) + w > _quotas.GetValueOrDefault(key))
            {
                // The second pass's allocation is how the caps are shared out; a full share is a cap like the others.
                return Skip(d.CountedAs == ProvenanceClass.Synthetic ? SkipReason.SyntheticCap : SkipReason.GeneratorCap, w);
            }
        }
        if (_near is not null)
        {
            var signature = candidate.Signature ?? throw new ArgumentException("nearDuplicates needs the candidate's signature.", nameof(candidate));
            if (_near.Contains(signature))
            {
                return Skip(SkipReason.NearDuplicate, w);
            }
            _near.Add(signature);
        }
        _ids.Add(d.Id);
        _hashes.Add(d.Hash);
        if (d.IsModelWritten && _quotas is not null)
        {
            var key = (d.CountedAs, d.GeneratorId ?? Unattributed);
            _quotaUsed[key] = _quotaUsed.GetValueOrDefault(key) + w;
        }
        Take(d);
        return null;
    }

    void Take(MixDocument d)
    {
        var w = _spec.WeightOf(d.Tokens);
        _documents.Add(d);
        _weight += w;
        switch (d.CountedAs)
        {
            case ProvenanceClass.Human:
                _human += w;
                if (_spec.RequireAnchors)
                {
                    _humans.Add(d.Id);
                }
                break;
            case ProvenanceClass.Synthetic:
                _synthetic += w;
                _nonHuman += w;
                break;
            default:
                _nonHuman += w;
                break;
        }
        if (d.IsModelWritten)
        {
            var g = d.GeneratorId ?? Unattributed;
            _byGenerator[g] = _byGenerator.GetValueOrDefault(g) + w;
        }
    }

    SkipReason Skip(SkipReason reason, long weight)
    {
        var s = _skipped.GetValueOrDefault(reason);
        _skipped[reason] = (s.Count + 1, s.Weight + weight);
        return reason;
    }

    /// <summary>How many candidates were skipped for <paramref name="reason"/>.</summary>
    public long SkippedFor(SkipReason reason) => _skipped.GetValueOrDefault(reason).Count;

    /// <summary>What the base holds, in the spec's unit.</summary>
    public MixComposition BaseComposition => new(_baseWeight, _baseHuman, _baseNonHuman, _baseSynthetic, _baseByGenerator);

    /// <summary>True when the base alone stays within every limit of the spec; otherwise see <see cref="BaseShortfalls"/>.</summary>
    public bool BaseFits => _baseWeight <= Target && _baseNonHuman <= NonHumanLimit && _baseSynthetic <= SyntheticLimit
        && (GeneratorLimit is not { } cap || _baseByGenerator.Values.All(w => w <= cap));

    /// <summary>
    /// Constraints the base alone already breaks at this target: nothing added can repair them, so there is no point
    /// reading candidates.
    /// </summary>
    /// <param name="supply">What the registry could add to the base; the advice counts on no more than that.</param>
    public IReadOnlyList<MixShortfall> BaseShortfalls(Func<int, string> generatorName, MixSupply supply)
    {
        var unit = _spec.UnitName;
        var list = new List<MixShortfall>();
        if (BaseFits)
        {
            return list;
        }
        var advice = new MixAdvisor(_spec, BaseComposition, supply).ForBase();
        if (_baseWeight > Target)
        {
            list.Add(new MixShortfall("target", _baseWeight, Target, _baseWeight - Target,
                $"The base already holds {N(_baseWeight)} {unit} and a version keeps every document of its base, so the target must be at least {N(_baseWeight)} {unit}, not {N(Target)}.",
                advice));
        }
        if (_baseNonHuman > NonHumanLimit)
        {
            list.Add(new MixShortfall("minHumanShare", Target - NonHumanLimit, Target - _baseNonHuman, _baseNonHuman - NonHumanLimit,
                $"The base holds {N(_baseNonHuman)} {unit} that are not human, but with minHumanShare {S(_spec.MinHumanShare)} a version of {N(Target)} may hold at most {N(NonHumanLimit)}.",
                advice));
        }
        if (_baseSynthetic > SyntheticLimit)
        {
            list.Add(new MixShortfall("maxSyntheticShare", _baseSynthetic, SyntheticLimit, _baseSynthetic - SyntheticLimit,
                $"The base holds {N(_baseSynthetic)} synthetic {unit}, above maxSyntheticShare {S(_spec.MaxSyntheticShare)} of {N(Target)} ({N(SyntheticLimit)}).",
                advice));
        }
        if (GeneratorLimit is { } cap)
        {
            var over = _baseByGenerator.Where(g => g.Value > cap).OrderByDescending(g => g.Value).ThenBy(g => g.Key).ToList();
            if (over.Count > 0)
            {
                var worst = over[0].Value;
                list.Add(new MixShortfall("maxGeneratorShare", worst, cap, worst - cap,
                    $"In the base, {string.Join(", ", over.Take(5).Select(g => $"{generatorName(g.Key)} wrote {N(g.Value)} {unit}"))}, above maxGeneratorShare {S(_spec.MaxGeneratorShare!.Value)} of {N(Target)} ({N(cap)}).",
                    advice));
            }
        }
        return list;
    }

    /// <summary>The version, or when the candidates ran out first, what is missing and why.</summary>
    /// <param name="pool">Documents in the registry that match the spec's filters, by class, when the caller counted
    /// them; readers stop reading a class once it has no room left, so what was considered can be fewer.</param>
    /// <param name="supply">What of those could be added to the base, when the caller counted it; the advice counts on
    /// model-written documents as far as either this or the candidates read show them.</param>
    public MixOutcome Finish(Func<int, string> generatorName, IReadOnlyDictionary<ProvenanceClass, long>? pool = null, MixSupply? supply = null)
    {
        if (Done)
        {
            return new MixOutcome(true, _documents, _baseCount, []);
        }
        var unit = _spec.UnitName;
        var missing = Target - _weight;
        var list = new List<MixShortfall>();
        // Every human candidate was offered (they are taken while the target is not reached), so the supply of human
        // text is what was taken; model-written candidates count as far as they were read or counted.
        var modelWritten = new Dictionary<(ProvenanceClass Class, int Generator), long>(_eligibleModelWritten);
        foreach (var (key, weight) in supply?.ModelWritten ?? new Dictionary<(ProvenanceClass, int), long>())
        {
            modelWritten[key] = Math.Max(weight, modelWritten.GetValueOrDefault(key));
        }
        var advisor = new MixAdvisor(_spec, BaseComposition, new MixSupply(_human - _baseHuman, modelWritten));
        var advice = advisor.ForShortfall(_weight);
        var humanNeeded = Target - NonHumanLimit;
        if (_human < humanNeeded)
        {
            var floorFull = SkippedFor(SkipReason.HumanFloor) > 0
                ? $" Model-written {unit} cannot make up the difference: they already fill the {S(1 - _spec.MinHumanShare)} the floor leaves them "
                  + $"({N(SkippedFor(SkipReason.HumanFloor))} more were left out)."
                : "";
            list.Add(new MixShortfall("minHumanShare", humanNeeded, _human, humanNeeded - _human,
                $"minHumanShare {S(_spec.MinHumanShare)} needs at least {N(humanNeeded)} human {unit} in a version of {N(Target)}: the base holds {N(_baseHuman)} and "
                + $"{N(_human - _baseHuman)} more match the filters, so {N(humanNeeded - _human)} human {unit} are missing.{floorFull}",
                advice));
        }
        if (SkippedFor(SkipReason.SyntheticCap) > 0)
        {
            list.Add(new MixShortfall("maxSyntheticShare", Target - SyntheticLimit, _weight - _synthetic, Target - SyntheticLimit - (_weight - _synthetic),
                $"maxSyntheticShare {S(_spec.MaxSyntheticShare)} allows {N(SyntheticLimit)} synthetic {unit} in {N(Target)} and they are taken ({N(SkippedFor(SkipReason.SyntheticCap))} more were over the cap); "
                + $"the {N(missing)} missing {unit} would have to be human or mixed, and no more match the filters.",
                advisor.ForSyntheticCap()));
        }
        if (SkippedFor(SkipReason.GeneratorCap) > 0 && GeneratorLimit is { } cap)
        {
            var capped = _cappedGenerators.OrderByDescending(g => g.Value).ThenBy(g => g.Key).Take(5).Select(g => generatorName(g.Key));
            list.Add(new MixShortfall("maxGeneratorShare", Target, _weight, missing,
                $"maxGeneratorShare {S(_spec.MaxGeneratorShare!.Value)} allows {N(cap)} {unit} per generator; {N(SkippedFor(SkipReason.GeneratorCap))} documents were left out because "
                + $"their generator was at its cap ({string.Join(", ", capped)}).",
                advisor.ForGeneratorCap()));
        }
        if (SkippedFor(SkipReason.Unanchored) > 0)
        {
            list.Add(new MixShortfall("requireAnchors", Target, _weight, missing,
                $"requireAnchors left out {N(SkippedFor(SkipReason.Unanchored))} model-written documents because none of their human roots was in the mix when their turn came."));
        }
        if (SkippedFor(SkipReason.NearDuplicate) > 0)
        {
            list.Add(new MixShortfall("nearDuplicates", Target, _weight, missing,
                $"{N(SkippedFor(SkipReason.NearDuplicate))} documents were left out as near-duplicates of documents in the mix (threshold {_spec.NearDuplicates!.Threshold.ToString(CultureInfo.InvariantCulture)})."));
        }
        if (SkippedFor(SkipReason.TooDeep) > 0)
        {
            list.Add(new MixShortfall("maxDepth", Target, _weight, missing,
                $"maxDepth {_spec.MaxDepth} left out {N(SkippedFor(SkipReason.TooDeep))} model-written documents that are deeper or of unknown depth."));
        }
        var counts = pool is null
            ? string.Join(", ", MixReport.ClassOrder.Where(c => _considered[(int)c].Count > 0).Select(c => $"{N(_considered[(int)c].Count)} {WireNames.Of(c)}"))
            : string.Join(", ", MixReport.ClassOrder.Where(pool.ContainsKey).Select(c => $"{N(pool[c])} {WireNames.Of(c)}"));
        var found = pool is null
            ? $"{(counts.Length == 0 ? "no" : counts)} documents were considered before the candidates ran out or had no room left"
            : $"{(counts.Length == 0 ? "no" : counts)} documents in the registry{(_baseCount > 0 ? " (the base's included)" : "")} match the filters "
              + "(the classes, generators, languages, licences, source domains, first-seen window and depth the spec allows)";
        list.Add(new MixShortfall("filters", Target - _baseWeight, _weight - _baseWeight, missing,
            $"{found}; the version needed {N(Target - _baseWeight)} {(_baseCount > 0 ? "more " : "")}{unit} and could take {N(_weight - _baseWeight)}.",
            _human < humanNeeded ? [] : advice));
        return new MixOutcome(false, _documents, _baseCount, list);
    }

    /// <summary>
    /// After a pass that fell short while synthetic or generator caps were turning documents away: the share-out of
    /// model-written room over (class, generator) that fits the most weight under all caps at once (a maximum flow), or
    /// null when it would not fit more than this pass took. Taking the first candidates in key order can fill a
    /// generator's cap with synthetic documents that a mixed document of the same generator needed, say; a second pass
    /// with this allocation does not.
    /// </summary>
    public IReadOnlyDictionary<(ProvenanceClass Class, int Generator), long>? BetterAllocation()
    {
        if (Done || (SkippedFor(SkipReason.SyntheticCap) == 0 && SkippedFor(SkipReason.GeneratorCap) == 0))
        {
            return null;
        }
        var added = _nonHuman - _baseNonHuman;
        var generatorRoom = _eligibleModelWritten.Keys.Select(k => k.Generator).Distinct()
            .ToDictionary(g => g, g => GeneratorLimit is { } cap ? Math.Max(0, cap - _baseByGenerator.GetValueOrDefault(g)) : long.MaxValue / 4);
        var allocation = MixAllocation.Solve(
            Math.Max(0, NonHumanLimit - _baseNonHuman), Math.Max(0, SyntheticLimit - _baseSynthetic), _eligibleModelWritten, generatorRoom);
        return allocation.Values.Sum() > added ? allocation : null;
    }

    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static string S(decimal share) => (decimal.Floor(share * 1000) / 1000).ToString("0.###", CultureInfo.InvariantCulture);
}
