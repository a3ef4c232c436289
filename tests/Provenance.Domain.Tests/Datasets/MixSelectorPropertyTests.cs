using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;

namespace Provenance.Domain.Tests.Datasets;

/// <summary>
/// The mix rules over generated bases, candidate streams and specs: a version keeps its base as a prefix, never holds
/// a document twice, meets every share of the spec, and is the same every time; and a spec is refused only when no
/// choice of documents could meet it (checked by brute force over every subset).
/// </summary>
public class MixSelectorPropertyTests
{
    public sealed record Doc(int Key, ProvenanceClass Class, int? Generator, int? Depth, int Tokens)
    {
        public MixDocument ToDocument() => new(Key, Hash(Key), Class, Class, Class == ProvenanceClass.Human ? null : Generator,
            Class == ProvenanceClass.Human ? 0 : Depth, Tokens, $"site{Key % 3}.example");

        public override string ToString() => $"{Key}:{WireNames.Of(Class)}/g{Generator}/d{Depth}/t{Tokens}";
    }

    public sealed record Scenario(Doc[] Base, Doc[] Candidates, MixSpecDraft Draft)
    {
        public override string ToString() =>
            $"base [{string.Join(" ", Base.AsEnumerable())}] candidates [{string.Join(" ", Candidates.AsEnumerable())}] spec {Draft}";
    }

    static ContentHash Hash(int key) => new(SHA256.HashData(BitConverter.GetBytes(key)));

    static Gen<Doc> Docs(int key, bool inBase) =>
        from cls in inBase
            ? Gen.Elements(ProvenanceClass.Human, ProvenanceClass.Human, ProvenanceClass.Human, ProvenanceClass.Synthetic, ProvenanceClass.Mixed, ProvenanceClass.Unknown)
            : Gen.Elements(ProvenanceClass.Human, ProvenanceClass.Human, ProvenanceClass.Synthetic, ProvenanceClass.Synthetic, ProvenanceClass.Mixed)
        from generator in Gen.Elements<int?>(null, 1, 2, 3)
        from depth in Gen.Elements<int?>(null, 1, 1, 2, 3)
        from tokens in Gen.Choose(1, 40)
        select new Doc(key, cls, generator, depth, tokens);

    internal static Gen<Scenario> Scenarios(bool tokens, int maxCandidates) =>
        from baseCount in Gen.Choose(0, 5)
        from baseDocs in Gen.CollectToArray(Enumerable.Range(0, baseCount), i => Docs(i, inBase: true))
        from candidateCount in Gen.Choose(0, maxCandidates)
        from fresh in Gen.CollectToArray(Enumerable.Range(100, candidateCount), i => Docs(i, inBase: false))
        from repeats in Gen.SubListOf(baseDocs)
        from order in Gen.Shuffle(fresh.Concat(repeats.Take(2)))
        from extra in Gen.Choose(0, tokens ? fresh.Sum(d => d.Tokens) : candidateCount)
        from minHuman in Gen.Elements(0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.9, 1.0)
        from maxSynthetic in Gen.Elements<double?>(null, 0.1, 0.2, 0.25, 0.5, 1.0)
        from maxDepth in Gen.Elements<int?>(null, null, 1, 2)
        from maxGenerator in Gen.Elements<double?>(null, null, 0.2, 0.34, 0.5)
        from classes in Gen.Elements<string?[]?>(null, null, ["synthetic"], ["human", "mixed"])
        select new Scenario([.. baseDocs], [.. order], new MixSpecDraft("mix",
            TargetDocuments: tokens ? null : Math.Max(1, baseCount + extra),
            TargetTokens: tokens ? Math.Max(1, baseDocs.Sum(d => d.Tokens) + extra) : null,
            MinHumanShare: minHuman, MaxSyntheticShare: maxSynthetic, MaxDepth: maxDepth, MaxGeneratorShare: maxGenerator, Classes: classes));

    /// <summary>What the assembler does with a spec: refuse on the base, one pass, and a second pass with a better allocation.</summary>
    internal static MixOutcome Assemble(MixSpec spec, Scenario s)
    {
        var baseDocs = s.Base.Select(d => d.ToDocument()).ToList();
        var selector = new MixSelector(spec, baseDocs);
        if (!selector.BaseFits)
        {
            return new MixOutcome(false, [], baseDocs.Count, selector.BaseShortfalls(g => $"g{g}", Supply(spec, s)));
        }
        Run(selector, s);
        if (selector.BetterAllocation() is { } allocation)
        {
            selector = new MixSelector(spec, baseDocs, quotas: allocation);
            Run(selector, s);
        }
        return selector.Finish(g => $"g{g}");
    }

    /// <summary>What the assembler counts in the registry for a refusal: candidates outside the base that the filters admit.</summary>
    internal static MixSupply Supply(MixSpec spec, Scenario s)
    {
        var baseKeys = s.Base.Select(d => d.Key).ToHashSet();
        var added = s.Candidates.Where(c => !baseKeys.Contains(c.Key)).Select(c => c.ToDocument()).Where(d => spec.Filters.Allows(d.CountedAs)).ToList();
        return new MixSupply(added.Where(d => d.CountedAs == ProvenanceClass.Human).Sum(d => spec.WeightOf(d.Tokens)),
            added.Where(d => d.IsModelWritten && (spec.MaxDepth is not { } max || d.Depth <= max))
                .GroupBy(d => (d.CountedAs, d.GeneratorId ?? MixSelector.Unattributed))
                .ToDictionary(g => g.Key, g => g.Sum(d => spec.WeightOf(d.Tokens))));
    }

    static void Run(MixSelector selector, Scenario s)
    {
        foreach (var c in s.Candidates)
        {
            if (selector.Done)
            {
                break;
            }
            selector.Consider(new MixCandidate(c.ToDocument()));
        }
    }

    static bool Holds(MixSpec spec, Scenario s, MixOutcome outcome)
    {
        if (!outcome.Met)
        {
            return true;
        }
        var docs = outcome.Documents;
        var weight = docs.Sum(d => spec.WeightOf(d.Tokens));
        long Weight(Func<MixDocument, bool> which) => docs.Where(which).Sum(d => spec.WeightOf(d.Tokens));
        var added = docs.Skip(s.Base.Length).ToList();
        return docs.Take(s.Base.Length).Select(d => d.Id).SequenceEqual(s.Base.Select(d => (long)d.Key))
            && docs.Select(d => d.Id).Distinct().Count() == docs.Count
            && docs.Select(d => d.Hash).Distinct().Count() == docs.Count
            && (spec.Unit == MixUnit.Documents ? weight == spec.Target : weight >= spec.Target)
            && Weight(d => d.CountedAs == ProvenanceClass.Human) >= spec.MinHumanShare * weight
            && Weight(d => d.CountedAs == ProvenanceClass.Synthetic) <= spec.MaxSyntheticShare * weight
            && (spec.MaxGeneratorShare is not { } cap
                || docs.Where(d => d.IsModelWritten).GroupBy(d => d.GeneratorId).All(g => g.Sum(d => spec.WeightOf(d.Tokens)) <= cap * weight))
            && added.All(d => spec.Filters.Allows(d.CountedAs))
            && (spec.MaxDepth is not { } max || added.Where(d => d.IsModelWritten).All(d => d.Depth <= max));
    }

    /// <summary>True when some set of the candidates, added to the base, makes a version that meets the spec.</summary>
    static bool Feasible(MixSpec spec, Scenario s)
    {
        var baseIds = s.Base.Select(d => d.Key).ToHashSet();
        var pool = s.Candidates.Where(c => !baseIds.Contains(c.Key)).Select(c => c.ToDocument()).ToArray();
        var baseDocs = s.Base.Select(d => d.ToDocument()).ToList();
        var need = (int)spec.Target - baseDocs.Count;
        if (need < 0)
        {
            return false;
        }
        for (var mask = 0; mask < 1 << pool.Length; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != need)
            {
                continue;
            }
            var added = pool.Where((_, i) => (mask & (1 << i)) != 0).ToList();
            var docs = baseDocs.Concat(added).ToList();
            var total = (decimal)docs.Count;
            if (added.All(d => spec.Filters.Allows(d.CountedAs) && (!d.IsModelWritten || spec.MaxDepth is not { } max || d.Depth <= max))
                && docs.Count(d => d.CountedAs == ProvenanceClass.Human) >= spec.MinHumanShare * total
                && docs.Count(d => d.CountedAs == ProvenanceClass.Synthetic) <= spec.MaxSyntheticShare * total
                && (spec.MaxGeneratorShare is not { } cap || docs.Where(d => d.IsModelWritten).GroupBy(d => d.GeneratorId).All(g => g.Count() <= cap * total)))
            {
                return true;
            }
        }
        return false;
    }

    [Fact]
    public void AVersionKeepsItsBaseMeetsEveryShareAndHoldsNoDocumentTwice()
    {
        var property = Prop.ForAll(Arb.From(Scenarios(tokens: false, maxCandidates: 30)), s =>
        {
            Assert.True(MixSpecValidator.TryValidate(s.Draft, out var spec, out var error), error);
            return Holds(spec, s, Assemble(spec, s));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void SharesInTokensHoldForTheWholeVersionEvenWhenItEndsAboveTheTarget()
    {
        var property = Prop.ForAll(Arb.From(Scenarios(tokens: true, maxCandidates: 30)), s =>
        {
            Assert.True(MixSpecValidator.TryValidate(s.Draft, out var spec, out var error), error);
            return Holds(spec, s, Assemble(spec, s));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void ASpecIsRefusedOnlyWhenNoChoiceOfDocumentsCouldMeetIt()
    {
        var property = Prop.ForAll(Arb.From(Scenarios(tokens: false, maxCandidates: 12)), s =>
        {
            Assert.True(MixSpecValidator.TryValidate(s.Draft, out var spec, out var error), error);
            var outcome = Assemble(spec, s);
            return outcome.Met == Feasible(spec, s)
                && (outcome.Met || outcome.Shortfalls.Count > 0 && outcome.Shortfalls.All(f => f.Explanation.Length > 0));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void TheSameCandidatesInTheSameOrderGiveTheSameVersion()
    {
        var property = Prop.ForAll(Arb.From(Scenarios(tokens: false, maxCandidates: 30)), s =>
        {
            Assert.True(MixSpecValidator.TryValidate(s.Draft, out var spec, out _));
            var first = Assemble(spec, s);
            var second = Assemble(spec, s);
            return first.Met == second.Met && first.Documents.Select(d => d.Id).SequenceEqual(second.Documents.Select(d => d.Id));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void ASecondPassSharesTheCapsOutBetterThanFirstComeFirstServed()
    {
        // One synthetic slot and one slot per generator: taking the first candidate (synthetic, g1) would leave the
        // mixed g1 document and the synthetic g2 document both blocked; the allocation takes those two instead.
        MixSpecValidator.TryValidate(new MixSpecDraft("mix", TargetDocuments: 4, MinHumanShare: 0.5, MaxSyntheticShare: 0.25, MaxGeneratorShare: 0.25),
            out var spec, out _);
        var s = new Scenario([], [
            new Doc(1, ProvenanceClass.Synthetic, 1, 1, 1), new Doc(2, ProvenanceClass.Synthetic, 2, 1, 1), new Doc(3, ProvenanceClass.Mixed, 1, 1, 1),
            new Doc(4, ProvenanceClass.Human, null, 0, 1), new Doc(5, ProvenanceClass.Human, null, 0, 1)], new MixSpecDraft("mix"));

        var outcome = Assemble(spec, s);

        Assert.True(outcome.Met);
        Assert.Equal([2, 3, 4, 5], outcome.Documents.Select(d => d.Id).Order());
    }

    [Fact]
    public void ARefusalSaysWhichConstraintFailsAndHowManyDocumentsAreMissing()
    {
        MixSpecValidator.TryValidate(new MixSpecDraft("mix", TargetDocuments: 10, MinHumanShare: 0.7), out var spec, out _);
        var s = new Scenario([], [.. Enumerable.Range(1, 4).Select(i => new Doc(i, ProvenanceClass.Human, null, 0, 1)),
            .. Enumerable.Range(5, 10).Select(i => new Doc(i, ProvenanceClass.Synthetic, 1, 1, 1))], new MixSpecDraft("mix"));

        var outcome = Assemble(spec, s);

        Assert.False(outcome.Met);
        var floor = outcome.Shortfalls[0];
        Assert.Equal("minHumanShare", floor.Constraint);
        Assert.Equal((7, 4, 3), (floor.Needed, floor.Available, floor.Missing));
        Assert.Contains("3 human documents are missing", floor.Explanation);
        Assert.Contains("lower the target to 5 or less", floor.Explanation);
    }
}
