using Provenance.Detector.Scoring;

namespace Provenance.Detector.Tests.Scoring;

public class LengthBatcherTests
{
    [Fact]
    public void EveryDocumentLandsInExactlyOneBatchOfAtMostTheMaximumSize()
    {
        var random = new Random(3);
        var lengths = Enumerable.Range(0, 1000).Select(_ => random.Next(0, 5000)).ToArray();

        var batches = LengthBatcher.Plan(lengths, 64);

        Assert.All(batches, b => Assert.InRange(b.Length, 1, 64));
        Assert.Equal(Enumerable.Range(0, 1000), batches.SelectMany(b => b).Order());
    }

    [Fact]
    public void BatchesGroupDocumentsOfSimilarLength()
    {
        int[] lengths = [900, 10, 880, 12, 15, 905];

        var batches = LengthBatcher.Plan(lengths, 3);

        Assert.Equal([1, 3, 4], batches[0]);
        Assert.Equal([2, 0, 5], batches[1]);
    }

    [Fact]
    public void NoBatchHoldsMorePaddedTokensThanTheBudgetUnlessOneRowAloneDoes()
    {
        var random = new Random(4);
        var lengths = Enumerable.Range(0, 500).Select(_ => random.Next(1, 600)).ToArray();

        var batches = LengthBatcher.Plan(lengths, 64, maxPaddedTokens: 2048);

        Assert.Equal(Enumerable.Range(0, 500), batches.SelectMany(b => b).Order());
        Assert.All(batches, b => Assert.True(b.Length <= 64 && (b.Length == 1 || b.Length * b.Max(i => lengths[i]) <= 2048)));
        Assert.Contains(batches, b => b.Length > 1);
    }
}
