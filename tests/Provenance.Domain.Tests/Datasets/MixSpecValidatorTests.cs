using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;

namespace Provenance.Domain.Tests.Datasets;

public class MixSpecValidatorTests
{
    static MixSpecDraft Draft(string dataset = "web-en") => new(dataset, TargetDocuments: 1000, MinHumanShare: 0.7);

    [Fact]
    public void AMinimalSpecGetsEveryDefault()
    {
        var ok = MixSpecValidator.TryValidate(Draft(), out var spec, out var error);

        Assert.True(ok, error);
        Assert.Equal(MixUnit.Documents, spec.Unit);
        Assert.Equal(1000, spec.Target);
        Assert.Equal(0.7m, spec.MinHumanShare);
        Assert.Equal(0.3m, spec.MaxSyntheticShare);
        Assert.False(spec.Unknown.Admit);
        Assert.Equal([ProvenanceClass.Human, ProvenanceClass.Synthetic, ProvenanceClass.Mixed], spec.Filters.Classes);
        Assert.Null(spec.NearDuplicates);
        Assert.Equal(0, spec.Seed);
    }

    [Fact]
    public void FiltersAreNormalizedSoThatEquivalentSpecsAreEqual()
    {
        var a = Draft() with { Languages = ["EN", "de", "en"], SourceDomains = ["WWW.Example.org", "news.example.org."], Licences = ["CC-BY-4.0", "cc-by-4.0"] };
        var b = Draft() with { Languages = ["de", "en"], SourceDomains = ["news.example.org", "example.org"], Licences = ["cc-by-4.0"] };

        Assert.True(MixSpecValidator.TryValidate(a, out var specA, out _));
        Assert.True(MixSpecValidator.TryValidate(b, out var specB, out _));

        Assert.Equal(specB, specA);
        Assert.Equal(["example.org", "news.example.org"], specA.Filters.SourceDomains);
    }

    [Fact]
    public void GeneratorsAreNormalizedSortedAndDeduplicated()
    {
        var a = Draft() with { Generators = [" writer@2", "editor@1", "writer@2", "bare"] };
        var b = Draft() with { Generators = ["bare", "editor@1", "writer@2"] };

        Assert.True(MixSpecValidator.TryValidate(a, out var specA, out var error), error);
        Assert.True(MixSpecValidator.TryValidate(b, out var specB, out _));

        Assert.Equal(specB, specA);
        Assert.Equal(["bare", "editor@1", "writer@2"], specA.Filters.Generators.Select(g => g.ToString()));
        Assert.NotEqual(specA, MixSpecValidator.TryValidate(Draft(), out var none, out _) ? none : null);
    }

    [Theory]
    [InlineData(null, "dataset is missing")]
    [InlineData("Web EN", "is not a dataset name")]
    public void ADatasetNeedsAName(string? name, string expected)
    {
        Assert.False(MixSpecValidator.TryValidate(Draft() with { Dataset = name }, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TheTargetIsDocumentsOrTokensNotBoth()
    {
        Assert.False(MixSpecValidator.TryValidate(Draft() with { TargetTokens = 5 }, out _, out var both));
        Assert.False(MixSpecValidator.TryValidate(Draft() with { TargetDocuments = null }, out _, out var neither));
        Assert.False(MixSpecValidator.TryValidate(Draft() with { TargetDocuments = 0 }, out _, out var zero));

        Assert.Contains("exactly one of documents and tokens", both);
        Assert.Contains("exactly one of documents and tokens", neither);
        Assert.Contains("outside 1..", zero);
    }

    [Theory]
    [InlineData(null, null, "minHumanShare is missing")]
    [InlineData(1.2, null, "minHumanShare 1.2 is not a share")]
    [InlineData(0.5, -0.1, "maxSyntheticShare -0.1 is not a share")]
    public void SharesAreBetweenZeroAndOne(double? minHuman, double? maxSynthetic, string expected)
    {
        Assert.False(MixSpecValidator.TryValidate(Draft() with { MinHumanShare = minHuman, MaxSyntheticShare = maxSynthetic }, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void DetectorThresholdsMustNotLetAScoreCountAsBothClasses()
    {
        var ambiguous = Draft() with { UnknownAdmit = "detector", UnknownHumanAtLeast = 0.6, UnknownSyntheticAtLeast = 0.4 };
        var thresholdsWithoutDetector = Draft() with { UnknownHumanAtLeast = 0.9 };

        Assert.False(MixSpecValidator.TryValidate(ambiguous, out _, out var error));
        Assert.False(MixSpecValidator.TryValidate(thresholdsWithoutDetector, out _, out var error2));
        Assert.True(MixSpecValidator.TryValidate(Draft() with { UnknownAdmit = "detector" }, out var spec, out _));

        Assert.Contains("add up to more than 1", error);
        Assert.Contains("only apply with unknown.admit = detector", error2);
        Assert.Equal(ProvenanceClass.Human, spec.Unknown.CountAs(0.95));
        Assert.Equal(ProvenanceClass.Synthetic, spec.Unknown.CountAs(0.05));
        Assert.Null(spec.Unknown.CountAs(0.5));
        Assert.Null(spec.Unknown.CountAs(null));
    }

    [Fact]
    public void UnknownIsNotAClassDocumentsCanBeAddedAs()
    {
        Assert.False(MixSpecValidator.TryValidate(Draft() with { Classes = ["synthetic", "unknown"] }, out _, out var error));

        Assert.Contains("unknown.admit = detector", error);
    }

    [Theory]
    [InlineData("web-en@3", null, "web-en", 3)]
    [InlineData("web-en", null, "web-en", null)]
    [InlineData("42", 42L, null, null)]
    public void VersionsAreNamedByIdByNameAndNumberOrByName(string text, long? id, string? dataset, int? number)
    {
        Assert.True(DatasetVersionRef.TryParse(text, out var parsed));

        Assert.Equal(new DatasetVersionRef(id, dataset, number), parsed);
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("web-en@0")]
    [InlineData("web en@1")]
    public void NotAVersion(string text) => Assert.False(DatasetVersionRef.TryParse(text, out _));
}
