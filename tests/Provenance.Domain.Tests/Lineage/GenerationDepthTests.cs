using Provenance.Domain.Assertions;
using Provenance.Domain.Lineage;

namespace Provenance.Domain.Tests.Lineage;

public class GenerationDepthTests
{
    [Theory]
    [InlineData(ProvenanceClass.Human, new int[0], false, 0)]
    [InlineData(ProvenanceClass.Human, new[] { 3 }, true, 0)]
    [InlineData(ProvenanceClass.Synthetic, new int[0], false, 1)]
    [InlineData(ProvenanceClass.Synthetic, new[] { 0 }, false, 1)]
    [InlineData(ProvenanceClass.Mixed, new[] { 0, 4, 2 }, false, 5)]
    public void KnownDepths(ProvenanceClass cls, int[] parents, bool pending, int expected) =>
        Assert.Equal(expected, GenerationDepth.Of(cls, [.. parents.Select(p => (int?)p)], pending));

    [Fact]
    public void DepthIsUnknownForUnknownDocumentsUnknownParentsAndPendingParents()
    {
        Assert.Null(GenerationDepth.Of(ProvenanceClass.Unknown, [0], false));
        Assert.Null(GenerationDepth.Of(ProvenanceClass.Synthetic, [0, null], false));
        Assert.Null(GenerationDepth.Of(ProvenanceClass.Mixed, [1], true));
    }
}
