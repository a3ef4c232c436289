using Provenance.Contracts.Datasets;
using Provenance.Domain;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>Between the wire shapes of <c>Provenance.Contracts</c> and the mix rules of <c>Provenance.Domain</c>.</summary>
public static class DatasetMapping
{
    public static MixSpecDraft ToDraft(DatasetSpec? s) => s is null
        ? new MixSpecDraft(null)
        : new MixSpecDraft(
            s.Dataset, s.Base, s.Target?.Documents, s.Target?.Tokens, s.MinHumanShare, s.MaxSyntheticShare, s.MaxDepth, s.MaxGeneratorShare,
            s.Unknown?.Admit, s.Unknown?.HumanAtLeast, s.Unknown?.SyntheticAtLeast,
            s.Filters?.Languages, s.Filters?.Licences, s.Filters?.SourceDomains, s.Filters?.FirstSeenFrom, s.Filters?.FirstSeenBefore, s.Filters?.Classes,
            s.NearDuplicates is not null, s.NearDuplicates?.Threshold, s.RequireAnchors, s.Seed, s.Filters?.Generators);

    /// <summary>The spec as the manifest records it: every default filled in, the base named as name@N.</summary>
    public static DatasetSpec Canonical(MixSpec spec, string? baseRef) => new(
        spec.Dataset,
        baseRef,
        spec.Unit == MixUnit.Documents ? new DatasetTarget(Documents: spec.Target) : new DatasetTarget(Tokens: spec.Target),
        (double)spec.MinHumanShare,
        (double)spec.MaxSyntheticShare,
        spec.MaxDepth,
        (double?)spec.MaxGeneratorShare,
        spec.Unknown.Admit
            ? new UnknownDocumentsSpec("detector", (double)spec.Unknown.HumanAtLeast, (double)spec.Unknown.SyntheticAtLeast)
            : new UnknownDocumentsSpec("none"),
        new DatasetFilters(
            [.. spec.Filters.Languages], [.. spec.Filters.Licences], [.. spec.Filters.SourceDomains],
            spec.Filters.FirstSeenFrom, spec.Filters.FirstSeenBefore, [.. spec.Filters.Classes.Select(WireNames.Of)],
            spec.Filters.Generators.Count == 0 ? null : [.. spec.Filters.Generators.Select(g => g.ToString())]),
        spec.NearDuplicates is { } near ? new NearDuplicatesSpec(near.Threshold) : null,
        spec.RequireAnchors,
        spec.Seed);

    public static DatasetStats ToContract(MixStats s, MixUnit unit, Func<int, string?> generatorName) => new(
        unit == MixUnit.Documents ? "documents" : "tokens",
        s.Documents,
        s.Tokens,
        [.. s.ByClass.Select(c => new ClassTally(WireNames.Of(c.Class), c.Documents, c.Tokens))],
        [.. s.ByGenerator.Select(g => new GeneratorTally(generatorName(g.Generator), g.Documents, g.Tokens))],
        new SourceTallies(s.DistinctSources, [.. s.Sources.Select(x => new SourceTally(x.Domain, x.Documents, x.Tokens))], s.OtherSources.Documents, s.OtherSources.Tokens),
        [.. s.Depths.Select(ToContract)]);

    public static CollapseRisk ToContract(CollapseRiskReport r, Func<int, string?> generatorName) => new(
        r.HumanShare,
        r.SyntheticShare,
        r.MixedShare,
        r.UnknownShare,
        new SyntheticDepth([.. r.SyntheticDepth.Histogram.Select(ToContract)], r.SyntheticDepth.Mean, r.SyntheticDepth.Max, r.SyntheticDepth.RecursiveShare),
        new GeneratorConcentration(r.GeneratorConcentration.Generators,
            r.GeneratorConcentration.TopGenerator is { } top ? generatorName(top) : null,
            r.GeneratorConcentration.TopShare, r.GeneratorConcentration.Hhi, r.GeneratorConcentration.UnattributedDocuments),
        new SourceCoverage(r.SourceCoverage.MixDomains, r.SourceCoverage.RegistryDomains, r.SourceCoverage.Coverage, r.SourceCoverage.TotalVariation,
            [.. r.SourceCoverage.Top.Select(d => new Contracts.Datasets.DomainShare(d.Domain, d.MixShare, d.RegistryShare))]),
        new AccumulationSummary(r.Accumulation.BaseDocuments, r.Accumulation.BaseTokens, r.Accumulation.AddedDocuments, r.Accumulation.AddedTokens,
            r.Accumulation.BaseHumanShare, r.Accumulation.BaseReclassified, r.Accumulation.DetectorAdmitted),
        r.Warnings);

    static DepthTally ToContract(MixDepthTally d) => new(d.Depth, d.Documents, d.Tokens);

    /// <summary>The answer a bus consumer of <see cref="AssembleDataset"/> publishes for <paramref name="result"/>.</summary>
    public static DatasetAssembled ToMessage(this AssemblyResult result, Guid requestId) => result switch
    {
        AssemblyStored stored => new DatasetAssembled(requestId, true, Summary(stored.Version), null, null),
        AssemblyRefused refused => new DatasetAssembled(requestId, false, null, refused.Code, refused.Detail),
        _ => throw new ArgumentException($"{result.GetType().Name} is not an answer to a request; previews are not sent over the bus.", nameof(result)),
    };

    public static DatasetVersionSummary Summary(DatasetVersionResponse v) =>
        new(v.Id, v.Dataset, v.Version, v.Ref, v.ManifestHash, v.Documents, v.Tokens, v.HumanShare, v.Base, v.CreatedAt, v.RequestedBy);
}
