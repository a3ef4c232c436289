using FsCheck;
using FsCheck.Fluent;
using Provenance.Domain.Assertions;

namespace Provenance.Domain.Tests.Assertions;

public class ProvenancePrecedenceTests
{
    static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static AssertionFacts A(long id, AssertionKind kind, ProvenanceClass cls, int minutes) => new(id, kind, cls, T0.AddMinutes(minutes));

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

    static readonly Gen<AssertionFacts[]> Histories =
        Gen.ListOf(
            from kind in Gen.Elements(Enum.GetValues<AssertionKind>())
            from cls in Gen.Elements(Enum.GetValues<ProvenanceClass>())
            from minute in Gen.Choose(0, 5)
            select (kind, cls, minute))
        .Select(l => l.Select((x, i) => A(i + 1, x.kind, x.cls, x.minute)).ToArray());

    [Fact]
    public void TheDecidingAssertionDoesNotDependOnTheOrderHistoryIsRead()
    {
        var property = Prop.ForAll(Arb.From(Histories), history =>
            ProvenancePrecedence.Effective(history) == ProvenancePrecedence.Effective(history.Reverse()));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }

    [Fact]
    public void TheDecidingAssertionOutranksEveryOther()
    {
        var property = Prop.ForAll(Arb.From(Histories), history =>
            ProvenancePrecedence.Effective(history) is not { } best
            || history.All(a => a == best || ProvenancePrecedence.Outranks(best, a)));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }
}
