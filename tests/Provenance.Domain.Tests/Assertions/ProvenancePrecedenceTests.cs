using FsCheck;
using FsCheck.Fluent;
using Provenance.Domain.Assertions;

namespace Provenance.Domain.Tests.Assertions;

public class ProvenancePrecedenceTests
{
    static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static AssertionFacts A(long id, AssertionKind kind, ProvenanceClass cls, int minutes, string by = "agent") => new(id, kind, cls, T0.AddMinutes(minutes), by);

    static AssertionFacts Detector(long id, ProvenanceClass cls, int minutes, string model) => A(id, AssertionKind.Detector, cls, minutes, model);

    [Fact]
    public void NoAssertionsMeansUnknown() => Assert.Equal(ProvenanceClass.Unknown, ProvenancePrecedence.CurrentClass([]));

    [Fact]
    public void CuratorBeatsDeclaredBeatsDetectorRegardlessOfAge()
    {
        var history = new[]
        {
            A(1, AssertionKind.Curator, ProvenanceClass.Human, 0),
            A(2, AssertionKind.Declared, ProvenanceClass.Synthetic, 10),
            A(3, AssertionKind.Detector, ProvenanceClass.Mixed, 20),
        };

        Assert.Equal(ProvenanceClass.Human, ProvenancePrecedence.CurrentClass(history));
        Assert.Equal(ProvenanceClass.Synthetic, ProvenancePrecedence.CurrentClass(history[1..]));
        Assert.Equal(ProvenanceClass.Mixed, ProvenancePrecedence.CurrentClass(history[2..]));
    }

    [Fact]
    public void WithinAKindNewerWinsAndEqualTimesFallBackToTheLaterId()
    {
        var history = new[]
        {
            A(5, AssertionKind.Declared, ProvenanceClass.Human, 30),
            A(6, AssertionKind.Declared, ProvenanceClass.Synthetic, 10),
            A(7, AssertionKind.Declared, ProvenanceClass.Mixed, 30),
        };

        Assert.Equal(ProvenanceClass.Mixed, ProvenancePrecedence.CurrentClass(history));
        Assert.Equal(ProvenanceClass.Human, ProvenancePrecedence.CurrentClass(history[..2]));
    }

    [Fact]
    public void ADetectorAbstentionClaimsNothingAndNeverOutranksAnotherDetectorsVerdict()
    {
        var history = new[]
        {
            Detector(1, ProvenanceClass.Synthetic, 0, "detector-a@1"),
            Detector(2, ProvenanceClass.Unknown, 10, "detector-b@1"),
        };

        Assert.Equal(1, ProvenancePrecedence.Effective(history)?.Id);
        Assert.Null(ProvenancePrecedence.Effective(history[1..]));
    }

    [Fact]
    public void ALaterAssertionOfTheSameModelAnyVersionWithdrawsItsEarlierVerdicts()
    {
        var history = new[]
        {
            Detector(1, ProvenanceClass.Synthetic, 0, "provenance-detector@1.0.0"),
            Detector(2, ProvenanceClass.Human, 5, "other-detector@3"),
            Detector(3, ProvenanceClass.Unknown, 10, "provenance-detector@2.0.0"),
        };

        Assert.Equal(ProvenanceClass.Synthetic, ProvenancePrecedence.CurrentClass([history[0]]));
        Assert.Equal(ProvenanceClass.Unknown, ProvenancePrecedence.CurrentClass([history[0], history[2]]));
        Assert.Equal(2, ProvenancePrecedence.Effective(history)?.Id);
    }

    [Fact]
    public void AWatermarkFoundOutranksEveryStatisticalVerdictOlderOrNewerButNotACuratorOrADeclaration()
    {
        var history = new[]
        {
            Detector(1, ProvenanceClass.Human, 0, "provenance-detector@2.0.0"),
            Detector(2, ProvenanceClass.Synthetic, 5, "watermark:kirchenbauer"),
            Detector(3, ProvenanceClass.Human, 10, "provenance-detector@3.0.0"),
            A(4, AssertionKind.Declared, ProvenanceClass.Human, 15, "crawler@1"),
        };

        Assert.Equal(2, ProvenancePrecedence.Effective(history[..3])?.Id);
        Assert.Equal(2, ProvenancePrecedence.Effective(history[1..3])?.Id);
        Assert.Equal(4, ProvenancePrecedence.Effective(history)?.Id);
        // A model whose name only looks like a watermark's is a statistical verdict like any other.
        Assert.Equal(3, ProvenancePrecedence.Effective([Detector(2, ProvenanceClass.Synthetic, 5, "watermark@1"), history[2]])?.Id);
    }

    [Fact]
    public void DeclarationsAndCuratorsAreNeverWithdrawnByDetectors()
    {
        var history = new[]
        {
            A(1, AssertionKind.Declared, ProvenanceClass.Human, 0, "crawler@1"),
            Detector(2, ProvenanceClass.Unknown, 10, "crawler@2"),
        };

        Assert.Equal(ProvenanceClass.Human, ProvenancePrecedence.CurrentClass(history));
    }

    static readonly Gen<AssertionFacts[]> Histories =
        Gen.ListOf(
            from kind in Gen.Elements(Enum.GetValues<AssertionKind>())
            from cls in Gen.Elements(Enum.GetValues<ProvenanceClass>())
            from minute in Gen.Choose(0, 5)
            from agent in Gen.Elements("model-a@1", "model-a@2", "model-b@1")
            select (kind, cls, minute, agent))
        .Select(l => l.Select((x, i) => A(i + 1, x.kind, x.cls, x.minute, x.agent)).ToArray());

    [Fact]
    public void TheDecidingAssertionDoesNotDependOnTheOrderHistoryIsRead()
    {
        var property = Prop.ForAll(Arb.From(Histories), history =>
            ProvenancePrecedence.Effective(history) == ProvenancePrecedence.Effective(history.Reverse()));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }

    [Fact]
    public void TheDecidingAssertionOutranksEveryOtherThatStands()
    {
        var property = Prop.ForAll(Arb.From(Histories), history =>
            ProvenancePrecedence.Effective(history) is not { } best
                ? history.All(a => !ProvenancePrecedence.Stands(a, history))
                : history.All(a => a == best || !ProvenancePrecedence.Stands(a, history) || ProvenancePrecedence.Outranks(best, a)));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }
}
