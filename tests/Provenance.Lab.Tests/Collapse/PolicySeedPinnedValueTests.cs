using Provenance.Lab.Collapse;

namespace Provenance.Lab.Tests.Collapse;

/// <summary>
/// A policy's stream of draws is seeded the same in every process, so that the lab run with the same seed writes the
/// same samples and the same figures; the values are pinned because a per-process hash would agree with itself here.
/// </summary>
public class PolicySeedPinnedValueTests
{
    [Fact]
    public void PolicySeedsArePinnedAndDistinct()
    {
        Assert.Equal(8034, CollapseLab.PolicySeed(1, CollapsePolicy.Replace));
        Assert.Equal(15443, CollapseLab.PolicySeed(1, CollapsePolicy.Accumulate));
        Assert.Equal(23872, CollapseLab.PolicySeed(1, CollapsePolicy.Anchored));
        Assert.Equal(3, Enum.GetValues<CollapsePolicy>().Select(p => CollapseLab.PolicySeed(7, p)).Distinct().Count());
    }
}
