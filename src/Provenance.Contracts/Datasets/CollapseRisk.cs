namespace Provenance.Contracts.Datasets;

/// <summary>How exposed a version is to model collapse. Shares are in the spec's unit (documents or tokens).</summary>
/// <param name="UnknownShare">Base documents of unknown provenance that this spec does not admit; they count as not human.</param>
/// <param name="Warnings">Sentences a person should read before training on the version.</param>
public sealed record CollapseRisk(
    double HumanShare,
    double SyntheticShare,
    double MixedShare,
    double UnknownShare,
    SyntheticDepth SyntheticDepth,
    GeneratorConcentration GeneratorConcentration,
    SourceCoverage SourceCoverage,
    AccumulationSummary Accumulation,
    IReadOnlyList<string> Warnings);

/// <summary>Model-written documents by generation depth.</summary>
/// <param name="RecursiveShare">Share of the model-written weight at depth 2 or more, or of unknown depth.</param>
public sealed record SyntheticDepth(IReadOnlyList<DepthTally> Histogram, double? Mean, int? Max, double RecursiveShare);

/// <param name="TopShare">Share of the model-written weight written by the largest generator.</param>
/// <param name="Hhi">Herfindahl–Hirschman index of generator shares of the model-written weight; 1 means one generator.</param>
public sealed record GeneratorConcentration(int Generators, string? TopGenerator, double TopShare, double Hhi, long UnattributedDocuments);

/// <param name="Coverage">Source domains in the version over source domains in the registry.</param>
/// <param name="TotalVariation">Distance between the version's and the registry's document distribution over source domains (0..1).</param>
/// <param name="Top">The registry's largest source domains, with their share of the version and of the registry.</param>
public sealed record SourceCoverage(int MixDomains, int RegistryDomains, double Coverage, double TotalVariation, IReadOnlyList<DomainShare> Top);

public sealed record DomainShare(string? Domain, double MixShare, double RegistryShare);

/// <param name="BaseHumanShare">The base version's human share as it recorded it.</param>
/// <param name="BaseReclassified">Base documents whose class changed since the base version was assembled.</param>
/// <param name="DetectorAdmitted">Documents of unknown provenance (class unknown, or given only by a detector) counted on detector scores.</param>
public sealed record AccumulationSummary(
    long BaseDocuments,
    long BaseTokens,
    long AddedDocuments,
    long AddedTokens,
    double? BaseHumanShare,
    long BaseReclassified,
    long DetectorAdmitted);
