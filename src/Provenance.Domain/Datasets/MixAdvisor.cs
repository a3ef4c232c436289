using System.Globalization;
using Provenance.Domain.Assertions;

namespace Provenance.Domain.Datasets;

/// <summary>What the registry could add to a version, base excluded, in the spec's unit.</summary>
/// <param name="Human">Human documents that match the filters.</param>
/// <param name="ModelWritten">Synthetic and mixed documents that match the filters and maxDepth, by (class, generator).
/// Fewer than there are is fine: advice from it is only more cautious.</param>
public sealed record MixSupply(long Human, IReadOnlyDictionary<(ProvenanceClass Class, int Generator), long> ModelWritten)
{
    public static MixSupply HumanOnly(long human) => new(human, new Dictionary<(ProvenanceClass, int), long>());
}

/// <summary>The shares a version is held to.</summary>
public readonly record struct MixShares(decimal MinHuman, decimal MaxSynthetic, decimal? MaxGenerator);

/// <summary>What a base holds, in the spec's unit (documents it holds of unknown provenance count as non-human).</summary>
public sealed record MixComposition(long Weight, long Human, long NonHuman, long Synthetic, IReadOnlyDictionary<int, long> ByGenerator);

/// <summary>
/// Advice in a refusal: a change that the registry's counts show would be met, or a note on why an obvious one would not.
/// </summary>
/// <param name="Text">A clause for a change ("lower the target to 57 or less"), a whole sentence for a note.</param>
/// <param name="Target">The least target of the change; every target from it to <paramref name="TargetUpTo"/> works.</param>
/// <param name="MinHumanShare">This minHumanShare or any lower one works.</param>
/// <param name="MaxSyntheticShare">This maxSyntheticShare or any higher one works.</param>
/// <param name="MaxGeneratorShare">This maxGeneratorShare or any higher one works.</param>
/// <param name="MoreHuman">Human documents (in the spec's unit) that match the filters and must be registered first.</param>
public sealed record MixSuggestion(string Text, long? Target = null, long? TargetUpTo = null, decimal? MinHumanShare = null,
    decimal? MaxSyntheticShare = null, decimal? MaxGeneratorShare = null, long MoreHuman = 0)
{
    public bool IsChange => Target is not null || MinHumanShare is not null || MaxSyntheticShare is not null || MaxGeneratorShare is not null || MoreHuman > 0;

    /// <summary>The changes as alternatives ("Lower … Or raise …."), then the notes.</summary>
    public static string Sentences(IEnumerable<MixSuggestion> suggestions)
    {
        var list = suggestions.ToList();
        var changes = list.Where(s => s.IsChange).Select((s, i) => i == 0 ? char.ToUpperInvariant(s.Text[0]) + s.Text[1..] + "." : $"Or {s.Text}.");
        return string.Join(" ", changes.Concat(list.Where(s => !s.IsChange).Select(s => s.Text)));
    }
}

/// <summary>
/// Whether a spec's numbers can be met, and what would meet them, as arithmetic on what the registry holds: a version
/// keeps its base, adds (target − base), and human documents can fill any of that while model-written ones fill only the
/// room the shares leave them (a maximum flow, <see cref="MixAllocation"/>). For a target in documents, without
/// requireAnchors or nearDuplicates, that is exactly what the selector finds (the property tests check the selector
/// against a brute-force search). Otherwise model-written text is not counted on at all: a token target makes the
/// selector take whole documents first come, first served, which can strand room, and anchors and near-duplicates depend
/// on the order of candidates; human documents are taken whenever there is room, so advice that counts only them holds.
/// Every change this suggests is checked with this arithmetic before it is made.
/// </summary>
public sealed class MixAdvisor
{
    /// <summary>Shares are advised on this grid, so the number a person reads is the one that was checked.</summary>
    const decimal Step = 0.001m;

    /// <summary>
    /// How many targets below the highest that works are checked one by one under a generator cap (each check is a
    /// maximum flow over the generators); a run of targets claimed there is what was checked, down to where human
    /// documents fill every target alone.
    /// </summary>
    const int CheckedRun = 100;

    readonly MixSpec _spec;
    readonly MixComposition _base;
    readonly MixSupply _supply;
    readonly bool _humanOnly;
    readonly long _maxTarget;
    readonly string _unit;

    public MixAdvisor(MixSpec spec, MixComposition baseComposition, MixSupply supply)
    {
        _spec = spec;
        _base = baseComposition;
        _supply = supply;
        _humanOnly = spec.Unit == MixUnit.Tokens || spec.RequireAnchors || spec.NearDuplicates is not null;
        _maxTarget = spec.Unit == MixUnit.Documents ? MixSpecValidator.MaxTargetDocuments : MixSpecValidator.MaxTargetTokens;
        _unit = spec.UnitName;
    }

    public MixShares Shares => new(_spec.MinHumanShare, _spec.MaxSyntheticShare, _spec.MaxGeneratorShare);

    /// <summary>True when the base alone stays within every limit of a version of <paramref name="target"/>.</summary>
    public bool BaseFits(long target, MixShares shares) =>
        target >= _base.Weight
        && _base.NonHuman <= Floor(target, 1 - shares.MinHuman)
        && _base.Synthetic <= Floor(target, shares.MaxSynthetic)
        && (shares.MaxGenerator is not { } cap || _base.ByGenerator.Values.All(w => w <= Floor(target, cap)));

    /// <summary>True when a version of <paramref name="target"/> under <paramref name="shares"/> can be assembled.</summary>
    public bool Meets(long target, MixShares shares) =>
        target >= 1 && target <= _maxTarget && BaseFits(target, shares) && Fill(target, shares) >= target - _base.Weight;

    /// <summary>The most the registry can add to the base at this target: every human document, and the model-written room.</summary>
    long Fill(long target, MixShares shares)
    {
        if (_humanOnly || _supply.Human >= target - _base.Weight)
        {
            return _supply.Human;
        }
        var generatorRoom = _supply.ModelWritten.Keys.Select(k => k.Generator).Distinct().ToDictionary(g => g,
            g => shares.MaxGenerator is { } cap ? Math.Max(0, Floor(target, cap) - _base.ByGenerator.GetValueOrDefault(g)) : long.MaxValue / 4);
        var model = MixAllocation.Solve(Math.Max(0, Floor(target, 1 - shares.MinHuman) - _base.NonHuman),
            Math.Max(0, Floor(target, shares.MaxSynthetic) - _base.Synthetic), _supply.ModelWritten, generatorRoom);
        return _supply.Human + model.Values.Sum();
    }

    /// <summary>The least target the base fits under <paramref name="shares"/>; null when none does.</summary>
    public long? LeastTarget(MixShares shares)
    {
        var lowest = Math.Max(1, _base.Weight);
        var least = lowest;
        var limits = new List<(long Held, decimal Share)> { (_base.NonHuman, 1 - shares.MinHuman), (_base.Synthetic, shares.MaxSynthetic) };
        if (shares.MaxGenerator is { } cap && _base.ByGenerator.Count > 0)
        {
            limits.Add((_base.ByGenerator.Values.Max(), cap));
        }
        foreach (var (held, share) in limits.Where(l => l.Held > 0))
        {
            if (share <= 0)
            {
                return null;
            }
            least = Math.Max(least, (long)Math.Min(decimal.Ceiling(held / share), _maxTarget + 1));
        }
        // held / share is rounded to 28 digits, so the estimate can be one off either way.
        while (least <= _maxTarget && !BaseFits(least, shares))
        {
            least++;
        }
        while (least > lowest && BaseFits(least - 1, shares))
        {
            least--;
        }
        return least <= _maxTarget ? least : null;
    }

    /// <summary>
    /// The highest targets up to <paramref name="highest"/> that work under <paramref name="shares"/>, as a run in which
    /// every target works; null when none is known to.
    /// </summary>
    public (long From, long To)? TargetsUpTo(long highest, MixShares shares)
    {
        if (LeastTarget(shares) is not { } least || least > highest)
        {
            return null;
        }
        // Human documents alone fill every target from the least to this one.
        var byHumans = Math.Min(highest, _base.Weight + _supply.Human);
        if (_humanOnly)
        {
            return byHumans >= least ? (least, byHumans) : null;
        }
        if (shares.MaxGenerator is null)
        {
            // Without generator caps the model-written room grows by at most one per unit of target, and what must be
            // added by exactly one, so the targets that work are one run upwards from the least.
            return Meets(least, shares) ? (least, Highest(least, highest, shares)) : null;
        }
        // Every generator's cap steps up at the same target, so the room can grow by several at once and the targets that
        // work can have gaps: search for a high one, then claim only the run below it that is checked.
        var from = Math.Max(least, byHumans);
        if (!Meets(from, shares))
        {
            return null;
        }
        var to = Highest(from, highest, shares);
        var start = to;
        for (var checkedTargets = 0; start > least && checkedTargets < CheckedRun; checkedTargets++)
        {
            if (start - 1 <= byHumans)
            {
                start = least;
                break;
            }
            if (!Meets(start - 1, shares))
            {
                break;
            }
            start--;
        }
        return (start, to);
    }

    /// <summary>The targets from <paramref name="lowest"/> up that work under <paramref name="shares"/>; null when none is known to.</summary>
    public (long From, long To)? TargetsFrom(long lowest, MixShares shares)
    {
        if (LeastTarget(shares) is not { } least)
        {
            return null;
        }
        var from = Math.Max(lowest, least);
        if (_humanOnly || shares.MaxGenerator is not null)
        {
            var byHumans = Math.Min(_maxTarget, _base.Weight + _supply.Human);
            return byHumans >= from ? (from, byHumans) : null;
        }
        return Meets(from, shares) ? (from, Highest(from, _maxTarget, shares)) : null;
    }

    /// <summary>The highest target in [<paramref name="from"/>, <paramref name="to"/>] that works, given that <paramref name="from"/> does.</summary>
    long Highest(long from, long to, MixShares shares)
    {
        while (from < to)
        {
            var mid = from + (to - from + 1) / 2;
            if (Meets(mid, shares))
            {
                from = mid;
            }
            else
            {
                to = mid - 1;
            }
        }
        return from;
    }

    /// <summary>Human documents that would have to be registered for <paramref name="target"/> to work; null when the base rules it out.</summary>
    public long? MoreHumanFor(long target, MixShares shares) =>
        target <= _maxTarget && BaseFits(target, shares) ? Math.Max(0, target - _base.Weight - Fill(target, shares)) : null;

    /// <summary>
    /// The shares closest to the spec's that work at <paramref name="target"/>: maxSyntheticShare and maxGeneratorShare
    /// raised as far as the base needs, and the highest minHumanShare on the grid that then works. With
    /// <paramref name="syntheticFollows"/>, maxSyntheticShare is also raised to 1 − minHumanShare, its default.
    /// </summary>
    public MixShares? RelaxedShares(long target, bool syntheticFollows)
    {
        var spec = Shares;
        if (target < _base.Weight || target < 1)
        {
            return null;
        }
        var synthetic = Math.Max(spec.MaxSynthetic, Up((decimal)_base.Synthetic / target));
        var generator = spec.MaxGenerator is { } cap ? Math.Max(cap, Up((decimal)_base.ByGenerator.Values.DefaultIfEmpty(0).Max() / target)) : (decimal?)null;
        if (synthetic > 1 || generator > 1)
        {
            return null;
        }
        MixShares At(decimal human) => new(human, syntheticFollows ? Math.Max(synthetic, 1 - human) : synthetic, generator);
        if (Meets(target, At(spec.MinHuman)))
        {
            return At(spec.MinHuman);
        }
        // A lower floor leaves more room for model-written text (and with syntheticFollows a higher cap), never less.
        if (!Meets(target, At(0)))
        {
            return null;
        }
        long low = 0, high = (long)decimal.Floor(spec.MinHuman / Step);
        while (low < high)
        {
            var mid = low + (high - low + 1) / 2;
            if (Meets(target, At(mid * Step)))
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return At(low * Step);
    }

    /// <summary>The least share on the grid, from the spec's up, that makes <paramref name="target"/> work with only that share changed.</summary>
    decimal? LeastShare(long target, decimal current, Func<decimal, MixShares> with)
    {
        var low = (long)decimal.Ceiling(current / Step);
        long high = (long)(1 / Step);
        if (low > high || !Meets(target, with(high * Step)))
        {
            return null;
        }
        while (low < high)
        {
            var mid = low + (high - low) / 2;
            if (Meets(target, with(mid * Step)))
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low * Step;
    }

    /// <summary>What would meet a spec whose base alone breaks it at its target.</summary>
    public IReadOnlyList<MixSuggestion> ForBase()
    {
        var list = new List<MixSuggestion>();
        var shares = Shares;
        var target = _spec.Target;
        var raised = TargetsFrom(target + 1, shares);
        if (raised is null && LeastTarget(shares) is { } single && Meets(single, shares))
        {
            raised = (single, single);
        }
        if (raised is (var from, var to))
        {
            list.Add(new($"raise the target to {Range(from, to)}{(_base.Weight > target ? "" : $", so that added {_unit} restore the shares")}", from, to));
        }
        if (Relax(target) is { } relaxed)
        {
            list.Add(relaxed);
        }
        if (raised is null && _spec.Filters.Allows(ProvenanceClass.Human) && LeastTarget(shares) is { } least && MoreHumanFor(least, shares) is { } more and > 0)
        {
            list.Add(new($"register or admit {N(more)} more human {_unit} that match the filters and raise the target to {N(least)}: a version on this base "
                + $"needs at least {N(least)} {_unit} for these shares, {N(least - _base.Weight)} of them added, and only {N(_supply.Human)} human {_unit} outside "
                + "the base match the filters", least, least, MoreHuman: more));
        }
        if (!_spec.Filters.Allows(ProvenanceClass.Human))
        {
            list.Add(HumansLeftOut);
        }
        if (list.All(c => !c.IsChange) && Math.Max(_base.Weight, Math.Min(target, _base.Weight + _supply.Human)) is var within and >= 1 && within != target
            && Relax(within) is { } both)
        {
            list.Add(both);
        }
        return list;
    }

    /// <summary>
    /// What would meet a spec that fell short at its target for want of human documents (or of any that fit):
    /// <paramref name="reached"/> is where selection got to.
    /// </summary>
    public IReadOnlyList<MixSuggestion> ForShortfall(long reached)
    {
        var list = new List<MixSuggestion>();
        var shares = Shares;
        var target = _spec.Target;
        if (Relax(target) is { } relaxed)
        {
            list.Add(relaxed);
        }
        if (TargetsUpTo(target - 1, shares) is (var from, var to))
        {
            list.Add(new($"lower the target to {(from <= 1 ? $"{N(to)} or less" : Range(from, to))}", from, to));
        }
        else if (_base.Weight > 0 && LeastTarget(shares) is { } least && least >= target)
        {
            list.Add(new($"No smaller target works: on this base these shares need a version of at least {N(least)} {_unit}."));
        }
        // Human documents do not change which model-written ones are taken, unless anchors or near-duplicates tie them
        // together: then count on humans alone.
        var more = _spec.RequireAnchors || _spec.NearDuplicates is not null ? MoreHumanFor(target, shares) : target - reached;
        if (!_spec.Filters.Allows(ProvenanceClass.Human))
        {
            list.Add(HumansLeftOut);
        }
        else if (more > 0)
        {
            list.Add(new($"register or admit {N(more.Value)} more human {_unit} that match the filters (widen the filters"
                + $"{(_spec.Unknown.Admit ? "" : ", or admit unknown documents on detector scores")})", MoreHuman: more.Value));
        }
        return list;
    }

    static readonly MixSuggestion HumansLeftOut = new("Human documents could fill any target, but filters.classes leaves them out.");

    /// <summary>The least maxSyntheticShare that would meet the spec at its target, alone.</summary>
    public IReadOnlyList<MixSuggestion> ForSyntheticCap() =>
        LeastShare(_spec.Target, _spec.MaxSyntheticShare, s => Shares with { MaxSynthetic = s }) is { } share && share > _spec.MaxSyntheticShare
            ? [new($"raise maxSyntheticShare to {S(share)} or more", MaxSyntheticShare: share)]
            : [];

    /// <summary>The least maxGeneratorShare that would meet the spec at its target, alone.</summary>
    public IReadOnlyList<MixSuggestion> ForGeneratorCap() =>
        _spec.MaxGeneratorShare is { } cap && LeastShare(_spec.Target, cap, g => Shares with { MaxGenerator = g }) is { } share && share > cap
            ? [new($"raise maxGeneratorShare to {S(share)} or more", MaxGeneratorShare: share)]
            : [];

    /// <summary>The shares that work at <paramref name="target"/>, and the target too when it is not the spec's.</summary>
    MixSuggestion? Relax(long target)
    {
        var spec = Shares;
        var shares = RelaxedShares(target, syntheticFollows: false) ?? RelaxedShares(target, syntheticFollows: true);
        if (shares is not { } s || s == spec)
        {
            return null;
        }
        var parts = new List<string>();
        if (target != _spec.Target)
        {
            parts.Add($"{(target > _spec.Target ? "raise" : "lower")} the target to {N(target)}");
        }
        if (s.MinHuman < spec.MinHuman)
        {
            parts.Add($"lower minHumanShare to {S(s.MinHuman)} or less");
        }
        if (s.MaxSynthetic > spec.MaxSynthetic)
        {
            parts.Add($"raise maxSyntheticShare to {S(s.MaxSynthetic)} or more"
                + (s.MaxSynthetic <= 1 - s.MinHuman ? " (leaving maxSyntheticShare out does that: it defaults to 1 − minHumanShare)" : ""));
        }
        if (s.MaxGenerator > spec.MaxGenerator)
        {
            parts.Add($"raise maxGeneratorShare to {S(s.MaxGenerator!.Value)} or more");
        }
        return new(string.Join(" and ", parts), target != _spec.Target ? target : null, target != _spec.Target ? target : null,
            MinHumanShare: s.MinHuman < spec.MinHuman ? s.MinHuman : null,
            MaxSyntheticShare: s.MaxSynthetic > spec.MaxSynthetic ? s.MaxSynthetic : null,
            MaxGeneratorShare: s.MaxGenerator > spec.MaxGenerator ? s.MaxGenerator : null);
    }

    static long Floor(long target, decimal share) => (long)decimal.Floor(target * share);

    static decimal Up(decimal share) => decimal.Ceiling(share / Step) * Step;

    static string Range(long from, long to) => from == to ? N(from) : $"between {N(from)} and {N(to)}";

    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static string S(decimal share) => share.ToString("0.###", CultureInfo.InvariantCulture);
}
