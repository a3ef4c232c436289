using System.Globalization;
using Provenance.Domain.Assertions;

namespace Provenance.Domain.Datasets;

public sealed record MixTally(long Documents, long Tokens);

public sealed record MixClassTally(ProvenanceClass Class, long Documents, long Tokens);

/// <param name="Generator">Registry id of the generator; <see cref="MixSelector.Unattributed"/> for model-written text that names none.</param>
public sealed record MixGeneratorTally(int Generator, long Documents, long Tokens);

public sealed record MixSourceTally(string? Domain, long Documents, long Tokens);

public sealed record MixDepthTally(int? Depth, long Documents, long Tokens);

/// <summary>A version's counts: by the class each document counts as, by generator, by source domain and by depth.</summary>
/// <param name="Sources">The largest <see cref="MixReport.TopSources"/> source domains; the rest are summed in <paramref name="OtherSources"/>.</param>
public sealed record MixStats(
    long Documents,
    long Tokens,
    IReadOnlyList<MixClassTally> ByClass,
    IReadOnlyList<MixGeneratorTally> ByGenerator,
    int DistinctSources,
    IReadOnlyList<MixSourceTally> Sources,
    MixTally OtherSources,
    IReadOnlyList<MixDepthTally> Depths);

/// <param name="Histogram">Model-written documents by depth (null: unknown depth).</param>
/// <param name="RecursiveShare">Share of the model-written weight at depth 2 or more: text generated from generated text.</param>
public sealed record SyntheticDepthReport(IReadOnlyList<MixDepthTally> Histogram, double? Mean, int? Max, double RecursiveShare);

/// <param name="TopShare">Share of the model-written weight written by the largest generator.</param>
/// <param name="Hhi">Herfindahl–Hirschman index of the generators' shares of the model-written weight (1 = one generator).</param>
public sealed record GeneratorConcentrationReport(int Generators, int? TopGenerator, double TopShare, double Hhi, long UnattributedDocuments);

public sealed record DomainShare(string? Domain, double MixShare, double RegistryShare);

/// <param name="Coverage">Source domains in the version over source domains in the registry.</param>
/// <param name="TotalVariation">Total variation distance between the version's and the registry's distributions of
/// documents over source domains (0 = same mix of sources, 1 = disjoint).</param>
/// <param name="Top">The registry's largest domains, with their share in the version and in the registry.</param>
public sealed record SourceCoverageReport(int MixDomains, int RegistryDomains, double Coverage, double TotalVariation, IReadOnlyList<DomainShare> Top);

/// <param name="BaseReclassified">Base documents whose class changed since the base version was assembled.</param>
/// <param name="DetectorAdmitted">Documents of unknown provenance counted as human or synthetic on detector scores.</param>
public sealed record AccumulationReport(long BaseDocuments, long BaseTokens, long AddedDocuments, long AddedTokens, double? BaseHumanShare,
    long BaseReclassified, long DetectorAdmitted);

/// <summary>How exposed a version is to model collapse, in the spec's unit, with warnings a person should read.</summary>
public sealed record CollapseRiskReport(
    double HumanShare,
    double SyntheticShare,
    double MixedShare,
    double UnknownShare,
    SyntheticDepthReport SyntheticDepth,
    GeneratorConcentrationReport GeneratorConcentration,
    SourceCoverageReport SourceCoverage,
    AccumulationReport Accumulation,
    IReadOnlyList<string> Warnings);

/// <summary>What the report compares a version with.</summary>
/// <param name="RegistryDomains">Documents per source domain in the whole registry (null key: no source domain).</param>
/// <param name="BaseReclassified">Base documents whose registry class differs from the one recorded in the base version.</param>
/// <param name="BaseHumanShare">The base version's own human share, as it recorded it.</param>
public sealed record MixReportContext(
    IReadOnlyDictionary<string, long> RegistryDomains,
    long RegistryDocumentsWithoutDomain,
    long BaseReclassified,
    double? BaseHumanShare,
    Func<int, string> GeneratorName);

/// <summary>
/// Computes a version's statistics and collapse-risk report. Warnings are raised by fixed rules (documented in
/// docs/training-jobs.md) so that the same version always gets the same report.
/// </summary>
public static class MixReport
{
    public const int TopSources = 100;
    public const int TopDomainsCompared = 10;
    public const double RecursiveWarning = 0.25;
    public const double ConcentrationWarning = 0.5;
    public const double CoverageWarning = 0.5;
    public const double DivergenceWarning = 0.25;

    /// <summary>The order classes are listed in: the anchor first.</summary>
    public static readonly IReadOnlyList<ProvenanceClass> ClassOrder =
        [ProvenanceClass.Human, ProvenanceClass.Synthetic, ProvenanceClass.Mixed, ProvenanceClass.Unknown];

    public static MixStats Stats(IReadOnlyList<MixDocument> documents)
    {
        var byClass = Enum.GetValues<ProvenanceClass>().ToDictionary(c => c, _ => (0L, 0L));
        var byGenerator = new Dictionary<int, (long D, long T)>();
        var bySource = new Dictionary<string, (long D, long T)>(StringComparer.Ordinal);
        var noSource = (D: 0L, T: 0L);
        var byDepth = new Dictionary<int, (long D, long T)>();
        var unknownDepth = (D: 0L, T: 0L);
        long tokens = 0;
        foreach (var d in documents)
        {
            tokens += d.Tokens;
            byClass[d.CountedAs] = Add(byClass[d.CountedAs], d.Tokens);
            if (d.IsModelWritten)
            {
                var g = d.GeneratorId ?? MixSelector.Unattributed;
                byGenerator[g] = Add(byGenerator.GetValueOrDefault(g), d.Tokens);
            }
            if (d.SourceDomain is { } domain)
            {
                bySource[domain] = Add(bySource.GetValueOrDefault(domain), d.Tokens);
            }
            else
            {
                noSource = Add(noSource, d.Tokens);
            }
            if (d.Depth is { } depth)
            {
                byDepth[depth] = Add(byDepth.GetValueOrDefault(depth), d.Tokens);
            }
            else
            {
                unknownDepth = Add(unknownDepth, d.Tokens);
            }
        }
        var sources = bySource.Select(s => new MixSourceTally(s.Key, s.Value.D, s.Value.T))
            .Append(new MixSourceTally(null, noSource.D, noSource.T)).Where(s => s.Documents > 0)
            .OrderByDescending(s => s.Documents).ThenByDescending(s => s.Tokens).ThenBy(s => s.Domain ?? "\uffff", StringComparer.Ordinal).ToList();
        var top = sources.Take(TopSources).ToList();
        var rest = sources.Skip(TopSources).ToList();
        var depths = byDepth.OrderBy(d => d.Key).Select(d => new MixDepthTally(d.Key, d.Value.D, d.Value.T)).ToList();
        if (unknownDepth.D > 0)
        {
            depths.Add(new MixDepthTally(null, unknownDepth.D, unknownDepth.T));
        }
        return new MixStats(documents.Count, tokens,
            [.. ClassOrder.Select(c => new MixClassTally(c, byClass[c].Item1, byClass[c].Item2))],
            [.. byGenerator.Select(g => new MixGeneratorTally(g.Key, g.Value.D, g.Value.T)).OrderByDescending(g => g.Documents).ThenByDescending(g => g.Tokens).ThenBy(g => g.Generator)],
            bySource.Count, top, new MixTally(rest.Sum(s => s.Documents), rest.Sum(s => s.Tokens)), depths);
    }

    public static CollapseRiskReport CollapseRisk(MixSpec spec, IReadOnlyList<MixDocument> documents, int baseCount, MixReportContext context)
    {
        // One pass over the version: it can hold millions of documents.
        var byClass = new long[Enum.GetValues<ProvenanceClass>().Length];
        var depths = new Dictionary<int, (long Documents, long Tokens, long Weight)>();
        var unknownDepth = (Documents: 0L, Tokens: 0L, Weight: 0L);
        var generators = new Dictionary<int, long>();
        var domains = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0, modelWeight = 0, recursiveWeight = 0, depthSum = 0, knownWeight = 0, unattributed = 0, detectorAdmitted = 0;
        long baseTokens = 0, addedTokens = 0, baseUnknown = 0, baseTooDeep = 0;
        for (var i = 0; i < documents.Count; i++)
        {
            var d = documents[i];
            var w = spec.WeightOf(d.Tokens);
            total += w;
            byClass[(int)d.CountedAs] += w;
            var domain = d.SourceDomain ?? "";
            domains[domain] = domains.GetValueOrDefault(domain) + 1;
            if (d.UnknownProvenance && d.CountedAs != ProvenanceClass.Unknown)
            {
                detectorAdmitted++;
            }
            if (i < baseCount)
            {
                baseTokens += d.Tokens;
                baseUnknown += d.CountedAs == ProvenanceClass.Unknown ? 1 : 0;
                baseTooDeep += d.IsModelWritten && spec.MaxDepth is { } max && (d.Depth is null || d.Depth > max) ? 1 : 0;
            }
            else
            {
                addedTokens += d.Tokens;
            }
            if (!d.IsModelWritten)
            {
                continue;
            }
            modelWeight += w;
            var g = d.GeneratorId ?? MixSelector.Unattributed;
            generators[g] = generators.GetValueOrDefault(g) + w;
            unattributed += d.GeneratorId is null ? 1 : 0;
            if (d.Depth is { } depth)
            {
                var t = depths.GetValueOrDefault(depth);
                depths[depth] = (t.Documents + 1, t.Tokens + d.Tokens, t.Weight + w);
                depthSum += w * depth;
                knownWeight += w;
                recursiveWeight += depth >= 2 ? w : 0;
            }
            else
            {
                unknownDepth = (unknownDepth.Documents + 1, unknownDepth.Tokens + d.Tokens, unknownDepth.Weight + w);
                recursiveWeight += w;
            }
        }
        double Share(long part, long whole) => whole == 0 ? 0 : Math.Round(part / (double)whole, 6);

        var histogram = depths.OrderBy(x => x.Key).Select(x => new MixDepthTally(x.Key, x.Value.Documents, x.Value.Tokens)).ToList();
        if (unknownDepth.Documents > 0)
        {
            histogram.Add(new MixDepthTally(null, unknownDepth.Documents, unknownDepth.Tokens));
        }
        var depthReport = new SyntheticDepthReport(histogram, knownWeight == 0 ? null : Math.Round(depthSum / (double)knownWeight, 6),
            depths.Count == 0 ? null : depths.Keys.Max(), Share(recursiveWeight, modelWeight));

        var ranked = generators.OrderByDescending(g => g.Value).ThenBy(g => g.Key).ToList();
        var hhi = modelWeight == 0 ? 0 : Math.Round(ranked.Sum(g => Math.Pow(g.Value / (double)modelWeight, 2)), 6);
        var concentration = new GeneratorConcentrationReport(ranked.Count, ranked.Count == 0 ? null : ranked[0].Key,
            ranked.Count == 0 ? 0 : Share(ranked[0].Value, modelWeight), hhi, unattributed);

        var coverage = SourceCoverage(domains, documents.Count, context);
        var accumulation = new AccumulationReport(baseCount, baseTokens, documents.Count - baseCount, addedTokens,
            context.BaseHumanShare, context.BaseReclassified, detectorAdmitted);

        var human = Share(byClass[(int)ProvenanceClass.Human], total);
        var warnings = Warnings(spec, documents.Count, human, baseUnknown, baseTooDeep, depthReport, concentration, coverage, accumulation, context);
        return new CollapseRiskReport(human, Share(byClass[(int)ProvenanceClass.Synthetic], total), Share(byClass[(int)ProvenanceClass.Mixed], total),
            Share(byClass[(int)ProvenanceClass.Unknown], total), depthReport, concentration, coverage, accumulation, warnings);
    }

    static SourceCoverageReport SourceCoverage(Dictionary<string, long> mix, long mixTotal, MixReportContext context)
    {
        var registry = new Dictionary<string, long>(context.RegistryDomains, StringComparer.Ordinal);
        if (context.RegistryDocumentsWithoutDomain > 0)
        {
            registry[""] = context.RegistryDocumentsWithoutDomain;
        }
        double registryTotal = registry.Values.Sum();
        double MixShare(string k) => mixTotal == 0 ? 0 : mix.GetValueOrDefault(k) / (double)mixTotal;
        double RegistryShare(string k) => registryTotal == 0 ? 0 : registry.GetValueOrDefault(k) / registryTotal;
        var tv = 0.5 * mix.Keys.Union(registry.Keys).Sum(k => Math.Abs(MixShare(k) - RegistryShare(k)));
        var mixDomains = mix.Keys.Count(k => k.Length > 0);
        var registryDomains = registry.Keys.Count(k => k.Length > 0);
        var top = registry.Where(r => r.Key.Length > 0).OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Take(TopDomainsCompared)
            .Select(r => new DomainShare(r.Key, Math.Round(MixShare(r.Key), 6), Math.Round(RegistryShare(r.Key), 6))).ToList();
        return new SourceCoverageReport(mixDomains, registryDomains, registryDomains == 0 ? 0 : Math.Round(mixDomains / (double)registryDomains, 6),
            Math.Round(tv, 6), top);
    }

    static List<string> Warnings(MixSpec spec, int documents, double human, long baseUnknown, long baseTooDeep,
        SyntheticDepthReport depth, GeneratorConcentrationReport concentration, SourceCoverageReport coverage, AccumulationReport accumulation,
        MixReportContext context)
    {
        var unit = spec.UnitName;
        var warnings = new List<string>();
        var replacing = !AnchoredByAccumulation(accumulation, human);
        if (replacing && documents > 0 && human < 0.5)
        {
            warnings.Add($"Human text is {P(human)} of this version, less than half; only minHumanShare ({P((double)spec.MinHumanShare)}) anchors it to real data.");
        }
        if (replacing && depth.RecursiveShare > RecursiveWarning)
        {
            warnings.Add($"{P(depth.RecursiveShare)} of the model-written {unit} are at depth 2 or more or of unknown depth: text generated from generated text, "
                + "whose tails thin out with every generation (Shumailov et al., Nature 2024)." + (spec.MaxDepth is null or > 1 ? " Consider maxDepth 1." : ""));
        }
        if (concentration.TopGenerator is { } top && concentration.TopShare > ConcentrationWarning)
        {
            warnings.Add($"{context.GeneratorName(top)} wrote {P(concentration.TopShare)} of the model-written {unit}; one generator's quirks are amplified when its output "
                + "trains the next model." + (spec.MaxGeneratorShare is null ? " Consider maxGeneratorShare." : ""));
        }
        if (spec.Filters.SourceDomains.Count == 0 && coverage.RegistryDomains > 0 && coverage.Coverage < CoverageWarning)
        {
            warnings.Add($"The version draws on {N(coverage.MixDomains)} of the registry's {N(coverage.RegistryDomains)} source domains ({P(coverage.Coverage)}).");
        }
        if (spec.Filters.SourceDomains.Count == 0 && coverage.TotalVariation > DivergenceWarning)
        {
            warnings.Add($"The version's mix of source domains differs from the registry's (total variation distance {coverage.TotalVariation.ToString("0.###", CultureInfo.InvariantCulture)}).");
        }
        if (accumulation.BaseReclassified > 0)
        {
            warnings.Add($"{N(accumulation.BaseReclassified)} documents of the base have changed class since the base version was assembled; the shares count their current class.");
        }
        if (baseUnknown > 0)
        {
            warnings.Add($"{N(baseUnknown)} documents of the base are of unknown provenance and not admitted under this spec; they stay (a version keeps its base) and count as not human.");
        }
        if (baseTooDeep > 0)
        {
            warnings.Add($"{N(baseTooDeep)} model-written documents of the base are deeper than maxDepth {N(spec.MaxDepth ?? 0)} or of unknown depth; they stay because a version keeps its base.");
        }
        if (accumulation.DetectorAdmitted > 0)
        {
            warnings.Add($"{N(accumulation.DetectorAdmitted)} documents of unknown provenance are counted on detector scores alone (unknown.admit = detector); detectors are evidence, not fact.");
        }
        return warnings;
    }

    /// <summary>
    /// Whether a version keeps, from its base, human text its chain already had: it builds on a base whose human share
    /// is above 0 (a version keeps all of its base's documents) and still holds human text. Synthetic text that
    /// accumulates next to the human text keeps test loss bounded; collapse comes from replacing it (Gerstgrasser et al.,
    /// 2024), so the low-human-share and recursive-depth warnings are raised only for versions that are not anchored.
    /// </summary>
    public static bool AnchoredByAccumulation(AccumulationReport accumulation, double humanShare) =>
        accumulation.BaseDocuments > 0 && accumulation.BaseHumanShare > 0 && humanShare > 0;

    static (long, long) Add((long D, long T) tally, int tokens) => (tally.D + 1, tally.T + tokens);

    static string P(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
