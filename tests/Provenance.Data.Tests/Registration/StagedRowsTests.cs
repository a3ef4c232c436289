using Provenance.Data.Registration;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using Provenance.Domain.Generators;
using static Provenance.Data.Tests.Registration.PlanItems;

namespace Provenance.Data.Tests.Registration;

/// <summary>The rows the staged merge stages: a batch reads as if its items were registered one after another.</summary>
public class StagedRowsTests
{
    static readonly DateTimeOffset T0 = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ATextSentSeveralTimesIsOneRowWithItsEarliestAndLatestSightingAndItsLastDeclaration()
    {
        RegistrationItem[] items =
        [
            Item(0, "same", crawledAt: T0.AddDays(2), declared: new DeclaredProvenance("human")),
            Item(1, "other"),
            Item(2, "same", crawledAt: T0),
            Item(3, "same", crawledAt: T0.AddDays(5), declared: new DeclaredProvenance("synthetic", "model@1")),
            Item(4, "same"),
        ];

        var rows = StagedRows.Of(items);

        Assert.Equal([Hash("same"), Hash("other")], rows.Documents.Select(d => d.Item.S.Hash));
        var same = rows.Documents[0];
        Assert.Equal((0, T0, T0.AddDays(5)), (same.Item.Index, same.FirstSeen!.Value, same.LastSeen!.Value));
        Assert.Equal(ProvenanceClass.Synthetic, same.Declared!.Class);
        Assert.Equal(items, rows.Sightings);
    }

    [Fact]
    public void OnlyTheLastDeclarationOfATextByEachRegistrantIsStagedInBatchOrder()
    {
        RegistrationItem[] items =
        [
            Item(0, "text", declared: new DeclaredProvenance("human"), registrant: "a"),
            Item(1, "text", declared: new DeclaredProvenance("mixed"), registrant: "b"),
            Item(2, "text", declared: new DeclaredProvenance("synthetic"), registrant: "a"),
            Item(3, "text", registrant: "b"),
        ];

        var rows = StagedRows.Of(items);

        Assert.Equal([1, 2], rows.Declarations.Select(i => i.Index));
    }

    [Fact]
    public void AnEdgeIsStagedOnceAndItsGeneratorDefaultsToTheDeclaredOne()
    {
        var declared = new DeclaredProvenance("synthetic", "writer@2");
        RegistrationItem[] items =
        [
            Item(0, "child", declared: declared, parents: [ById(1), ById(1) with { Generator = "editor@1" }]),
            Item(1, "child", declared: declared, parents: ById(1)),
        ];

        var rows = StagedRows.Of(items);

        Assert.Equal([new GeneratorName("writer", "2"), new GeneratorName("editor", "1")], rows.Parents.Select(p => p.Generator));
        Assert.All(rows.Parents, p => Assert.Equal(Hash("child"), p.Child));
    }
}
