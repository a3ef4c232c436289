using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;

namespace Provenance.Domain.Tests.Datasets;

/// <summary>
/// The collapse-risk report's replacement warnings (human text under half; recursive model-written text) are raised
/// only for versions that are not anchored by accumulation: a version on a base that held human text keeps that text.
/// </summary>
public class MixReportWarningTests
{
    const string LowHuman = "less than half";
    const string Recursive = "depth 2 or more";

    static MixSpec Spec()
    {
        Assert.True(MixSpecValidator.TryValidate(new MixSpecDraft("lab", TargetDocuments: 10, MinHumanShare: 0), out var spec, out var error), error);
        return spec;
    }

    static MixDocument Human(long id) => new(id, ContentHash.OfNormalized($"human {id}"), ProvenanceClass.Human, ProvenanceClass.Human, null, 0, 10, "a.example");

    static MixDocument Recycled(long id) => new(id, ContentHash.OfNormalized($"synthetic {id}"), ProvenanceClass.Synthetic, ProvenanceClass.Synthetic, 1, 2, 10, "a.example");

    /// <summary>2 human and 8 model-written documents at depth 2, the first <paramref name="baseCount"/> from the base.</summary>
    static IReadOnlyList<string> Warnings(IReadOnlyList<MixDocument> documents, int baseCount, double? baseHumanShare) =>
        MixReport.CollapseRisk(Spec(), documents, baseCount,
            new MixReportContext(new Dictionary<string, long> { ["a.example"] = 10 }, 0, 0, baseHumanShare, _ => "lab-ngram")).Warnings;

    static MixDocument[] HumanFirst => [Human(1), Human(2), .. Enumerable.Range(3, 8).Select(i => Recycled(i))];

    static MixDocument[] SyntheticFirst => [.. Enumerable.Range(3, 8).Select(i => Recycled(i)), Human(1), Human(2)];

    [Fact]
    public void AVersionWithoutABaseWarnsThatHumanTextIsScarceAndRecursive()
    {
        var warnings = Warnings(HumanFirst, baseCount: 0, baseHumanShare: null);

        Assert.Contains(warnings, w => w.Contains(LowHuman, StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains(Recursive, StringComparison.Ordinal));
    }

    [Fact]
    public void AVersionThatKeepsItsBasesHumanTextCarriesNeitherReplacementWarning()
    {
        var documents = HumanFirst;
        var warnings = Warnings(documents, baseCount: 6, baseHumanShare: 2 / 6.0);

        Assert.DoesNotContain(warnings, w => w.Contains(LowHuman, StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.Contains(Recursive, StringComparison.Ordinal));
        Assert.Equal(warnings, Warnings(documents, baseCount: 6, baseHumanShare: 2 / 6.0));
        var report = MixReport.CollapseRisk(Spec(), documents, 6,
            new MixReportContext(new Dictionary<string, long> { ["a.example"] = 10 }, 0, 0, 2 / 6.0, _ => "lab-ngram"));
        Assert.Equal(0.2, report.HumanShare);
        Assert.Equal(1, report.SyntheticDepth.RecursiveShare);
    }

    [Fact]
    public void AVersionOnABaseWithoutHumanTextStillWarns()
    {
        var warnings = Warnings(SyntheticFirst, baseCount: 6, baseHumanShare: 0);

        Assert.Contains(warnings, w => w.Contains(LowHuman, StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains(Recursive, StringComparison.Ordinal));
    }
}
