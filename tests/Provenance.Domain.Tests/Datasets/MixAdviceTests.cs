using FsCheck;
using FsCheck.Fluent;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using static Provenance.Domain.Tests.Datasets.MixSelectorPropertyTests;

namespace Provenance.Domain.Tests.Datasets;

/// <summary>
/// The advice in a refusal: every change it suggests, applied to the spec (and, where it says so, to the registry),
/// gives a spec that is met; and the worked cases read as they should.
/// </summary>
public class MixAdviceTests
{
    static Doc Human(int key) => new(key, ProvenanceClass.Human, null, 0, 1);

    static Doc Synthetic(int key, int generator = 1) => new(key, ProvenanceClass.Synthetic, generator, 1, 1);

    static MixSpec Spec(MixSpecDraft draft)
    {
        Assert.True(MixSpecValidator.TryValidate(draft, out var spec, out var error), error);
        return spec;
    }

    /// <summary>The specs and registries a suggestion stands for: its bounds, a target inside its range, shares beyond its own.</summary>
    static IEnumerable<(MixSpecDraft Draft, Scenario Scenario)> Applied(Scenario s, MixSpec spec, MixSuggestion change)
    {
        var targets = change.Target is { } from ? new[] { from, change.TargetUpTo!.Value, from + (change.TargetUpTo!.Value - from) / 2 } : [spec.Target];
        var extra = new List<Doc>();
        for (long weight = 0; weight < change.MoreHuman; weight += spec.Unit == MixUnit.Documents ? 1 : 40)
        {
            extra.Add(new Doc(10_000 + extra.Count, ProvenanceClass.Human, null, 0, 40));
        }
        var scenario = s with { Candidates = [.. extra.Take(extra.Count / 2), .. s.Candidates, .. extra.Skip(extra.Count / 2)] };
        foreach (var further in new[] { 0m, 0.15m })
        {
            foreach (var target in targets.Distinct())
            {
                var draft = s.Draft with
                {
                    TargetDocuments = spec.Unit == MixUnit.Documents ? target : null,
                    TargetTokens = spec.Unit == MixUnit.Tokens ? target : null,
                    MinHumanShare = change.MinHumanShare is { } h ? (double)Math.Max(0, h - further) : s.Draft.MinHumanShare,
                    MaxSyntheticShare = change.MaxSyntheticShare is { } sy ? (double)Math.Min(1, sy + further) : s.Draft.MaxSyntheticShare,
                    MaxGeneratorShare = change.MaxGeneratorShare is { } g ? (double)Math.Min(1, g + further) : s.Draft.MaxGeneratorShare,
                };
                yield return (draft, scenario);
            }
        }
    }

    static bool EverySuggestedChangeIsMet(Scenario s)
    {
        var spec = Spec(s.Draft);
        var outcome = Assemble(spec, s);
        if (outcome.Met)
        {
            return true;
        }
        foreach (var change in outcome.Shortfalls.SelectMany(f => f.Suggestions).Where(c => c.IsChange).DistinctBy(c => c.Text))
        {
            foreach (var (draft, scenario) in Applied(s, spec, change))
            {
                var again = Assemble(Spec(draft), scenario);
                Assert.True(again.Met, $"'{change.Text}' was suggested, but {draft} was refused: {MixShortfall.Describe(again.Shortfalls)}");
            }
        }
        return true;
    }

    [Fact]
    public void EveryChangeSuggestedForARefusedSpecIsMet()
    {
        var property = Prop.ForAll(Arb.From(Scenarios(tokens: false, maxCandidates: 30)), EverySuggestedChangeIsMet);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void EveryChangeSuggestedForARefusedTokenSpecIsMet()
    {
        var property = Prop.ForAll(Arb.From(Scenarios(tokens: true, maxCandidates: 30)), EverySuggestedChangeIsMet);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true), property);
    }

    /// <summary>The demo registry: 70 human and 70 synthetic documents, a base of 35 of each.</summary>
    static Scenario Demo(long target) => new(
        [.. Enumerable.Range(0, 35).Select(Human), .. Enumerable.Range(35, 35).Select(i => Synthetic(i))],
        [.. Enumerable.Range(100, 35).Select(Human), .. Enumerable.Range(200, 35).Select(i => Synthetic(i))],
        new MixSpecDraft("web-demo", TargetDocuments: target, MinHumanShare: 0.95, Seed: 3));

    [Fact]
    public void ABaseThatBreaksTheSharesIsToldToLowerThemNotToRaiseTheTargetBeyondTheHumanDocumentsThereAre()
    {
        var s = Demo(100);

        var outcome = Assemble(Spec(s.Draft), s);
        var detail = MixShortfall.Describe(outcome.Shortfalls);

        Assert.False(outcome.Met);
        Assert.Equal(["minHumanShare", "maxSyntheticShare"], outcome.Shortfalls.Select(f => f.Constraint));
        Assert.Contains("Lower minHumanShare to 0.65 or less and raise maxSyntheticShare to 0.35 or more", detail);
        Assert.Contains("Or register or admit 595 more human documents that match the filters and raise the target to 700", detail);
        Assert.DoesNotContain("Raise the target", detail);
        Assert.Single(outcome.Shortfalls.SelectMany(f => f.Suggestions).Select(c => c.Text).Distinct(), t => t.StartsWith("lower minHumanShare", StringComparison.Ordinal));
        Assert.All(outcome.Shortfalls, f => Assert.Contains("lower minHumanShare to 0.65 or less", f.Explanation, StringComparison.OrdinalIgnoreCase));
        Assert.True(Assemble(Spec(s.Draft with { MinHumanShare = 0.65 }), s).Met);
    }

    [Fact]
    public void ATargetTheHumanDocumentsCannotReachIsNotToldToLowerItBelowWhatTheBaseNeeds()
    {
        var s = Demo(700);

        var outcome = Assemble(Spec(s.Draft), s);
        var detail = MixShortfall.Describe(outcome.Shortfalls);

        Assert.False(outcome.Met);
        Assert.Contains("595 human documents are missing", detail);
        Assert.DoesNotContain("lower the target", detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("lower minHumanShare", detail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Register or admit 595 more human documents that match the filters", detail);
        Assert.Contains("No smaller target works: on this base these shares need a version of at least 700 documents.", detail);
    }

    [Fact]
    public void ALowerTargetOnABaseIsARangeThatStartsAtWhatTheBaseNeeds()
    {
        // A base of 7 human and 3 synthetic documents; 5 more human and 20 synthetic ones outside it.
        var s = new Scenario([.. Enumerable.Range(0, 7).Select(Human), .. Enumerable.Range(7, 3).Select(i => Synthetic(i))],
            [.. Enumerable.Range(100, 5).Select(Human), .. Enumerable.Range(200, 20).Select(i => Synthetic(i))],
            new MixSpecDraft("ranged", TargetDocuments: 40, MinHumanShare: 0.7));

        var outcome = Assemble(Spec(s.Draft), s);

        var lower = Assert.Single(outcome.Shortfalls.SelectMany(f => f.Suggestions).DistinctBy(c => c.Text), c => c.Target is not null);
        Assert.Equal("lower the target to between 10 and 17", lower.Text);
        Assert.All(Enumerable.Range(10, 8), t => Assert.True(Assemble(Spec(s.Draft with { TargetDocuments = t }), s).Met, $"target {t}"));
        Assert.False(Assemble(Spec(s.Draft with { TargetDocuments = 18 }), s).Met);
    }

    [Fact]
    public void ShareChangesAreSuggestedOnlyWhenTheDocumentsThereAreCanFillTheTarget()
    {
        // 10 human documents and nothing else: no share lets a version of 20 be filled.
        var s = new Scenario([], [.. Enumerable.Range(1, 10).Select(Human)], new MixSpecDraft("humans", TargetDocuments: 20, MinHumanShare: 0.8));

        var outcome = Assemble(Spec(s.Draft), s);
        var detail = MixShortfall.Describe(outcome.Shortfalls);

        Assert.DoesNotContain("minHumanShare to", detail);
        Assert.Contains("Lower the target to 10 or less.", detail);
        Assert.Contains("Or register or admit 10 more human documents", detail);
    }

    [Fact]
    public void ATokenTargetCountsOnlyOnHumanTokens()
    {
        // 10 human documents of 10 tokens and 10 synthetic ones of 20: model-written text fits a token target only
        // first come, first served, so the advice counts on the 100 human tokens alone.
        var s = new Scenario([], [.. Enumerable.Range(1, 10).Select(i => new Doc(i, ProvenanceClass.Human, null, 0, 10)),
            .. Enumerable.Range(100, 10).Select(i => new Doc(i, ProvenanceClass.Synthetic, 1, 1, 20))],
            new MixSpecDraft("tokens", TargetTokens: 300, MinHumanShare: 0.5));

        var outcome = Assemble(Spec(s.Draft), s);
        var detail = MixShortfall.Describe(outcome.Shortfalls);

        Assert.Contains("lower the target to 100 or less", detail, StringComparison.OrdinalIgnoreCase);
        Assert.True(Assemble(Spec(s.Draft with { TargetTokens = 100 }), s).Met);
    }

    [Fact]
    public void ABaseAboveTheTargetIsToldTheTargetsThatHoldIt()
    {
        var s = new Scenario([.. Enumerable.Range(0, 8).Select(Human), Synthetic(8)], [.. Enumerable.Range(100, 3).Select(Human)],
            new MixSpecDraft("small", TargetDocuments: 5, MinHumanShare: 0.8));

        var outcome = Assemble(Spec(s.Draft), s);

        Assert.Equal("target", outcome.Shortfalls[0].Constraint);
        Assert.Contains("Raise the target to between 9 and 12.", outcome.Shortfalls[0].Explanation);
    }
}
