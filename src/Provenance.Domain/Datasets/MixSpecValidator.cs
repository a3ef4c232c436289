using System.Globalization;
using System.Text.RegularExpressions;
using Provenance.Domain.Assertions;
using Provenance.Domain.Generators;

namespace Provenance.Domain.Datasets;

/// <summary>
/// A mix specification as a client sent it (HTTP body, CLI file or bus message), before validation. Names and
/// numbers are unchecked here so that every mistake can be reported with the field it is in.
/// </summary>
public sealed record MixSpecDraft(
    string? Dataset,
    string? Base = null,
    long? TargetDocuments = null,
    long? TargetTokens = null,
    double? MinHumanShare = null,
    double? MaxSyntheticShare = null,
    int? MaxDepth = null,
    double? MaxGeneratorShare = null,
    string? UnknownAdmit = null,
    double? UnknownHumanAtLeast = null,
    double? UnknownSyntheticAtLeast = null,
    IReadOnlyList<string?>? Languages = null,
    IReadOnlyList<string?>? Licences = null,
    IReadOnlyList<string?>? SourceDomains = null,
    DateTimeOffset? FirstSeenFrom = null,
    DateTimeOffset? FirstSeenBefore = null,
    IReadOnlyList<string?>? Classes = null,
    bool NearDuplicates = false,
    double? NearDuplicateThreshold = null,
    bool? RequireAnchors = null,
    long? Seed = null,
    IReadOnlyList<string?>? Generators = null);

/// <summary>
/// Checks a mix specification and fills in its defaults. Every rejection names the field and says what would be
/// accepted, because the reader is usually someone editing a spec file.
/// </summary>
public static partial class MixSpecValidator
{
    public const long MaxTargetDocuments = 1_000_000_000;
    public const long MaxTargetTokens = 10_000_000_000_000;
    public const int MaxMaxDepth = 1000;
    public const int MaxFilterValues = 1000;
    public const double DefaultUnknownThreshold = 0.9;
    public const double DefaultNearDuplicateThreshold = 0.8;

    public static bool TryValidate(MixSpecDraft draft, out MixSpec spec, out string? error)
    {
        spec = null!;
        var dataset = draft.Dataset?.Trim() ?? "";
        if (!IsDatasetName(dataset))
        {
            error = dataset.Length == 0
                ? "dataset is missing; name the dataset the version belongs to, such as web-en (lowercase letters, digits, '.', '_', '-')."
                : $"dataset '{Shorten(dataset)}' is not a dataset name: use 1 to 100 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit and not only digits.";
            return false;
        }
        string? baseRef = null;
        if (!string.IsNullOrWhiteSpace(draft.Base))
        {
            if (!DatasetVersionRef.TryParse(draft.Base, out var parsed))
            {
                error = $"base '{Shorten(draft.Base)}' is not a dataset version: write name@N (web-en@3), a dataset name for its latest version, or a version id.";
                return false;
            }
            baseRef = parsed.ToString();
        }

        if ((draft.TargetDocuments is null) == (draft.TargetTokens is null))
        {
            error = "target needs exactly one of documents and tokens, such as {\"documents\": 100000} or {\"tokens\": 50000000}.";
            return false;
        }
        var unit = draft.TargetDocuments is null ? MixUnit.Tokens : MixUnit.Documents;
        var target = draft.TargetDocuments ?? draft.TargetTokens!.Value;
        var maxTarget = unit == MixUnit.Documents ? MaxTargetDocuments : MaxTargetTokens;
        if (target < 1 || target > maxTarget)
        {
            error = $"target.{(unit == MixUnit.Documents ? "documents" : "tokens")} {target} is outside 1..{maxTarget:N0}.";
            return false;
        }

        if (draft.MinHumanShare is null)
        {
            error = "minHumanShare is missing; say how much of the version must be human, such as 0.7 (the anchor that keeps synthetic data accumulating on real data).";
            return false;
        }
        if (!TryShare("minHumanShare", draft.MinHumanShare, allowZero: true, out var minHuman, out error))
        {
            return false;
        }
        var maxSynthetic = 1 - minHuman;
        if (draft.MaxSyntheticShare is not null && !TryShare("maxSyntheticShare", draft.MaxSyntheticShare, allowZero: true, out maxSynthetic, out error))
        {
            return false;
        }
        decimal? maxGenerator = null;
        if (draft.MaxGeneratorShare is not null)
        {
            if (!TryShare("maxGeneratorShare", draft.MaxGeneratorShare, allowZero: false, out var g, out error))
            {
                return false;
            }
            maxGenerator = g;
        }
        if (draft.MaxDepth is { } depth && (depth < 0 || depth > MaxMaxDepth))
        {
            error = $"maxDepth {depth} is outside 0..{MaxMaxDepth}; 1 admits only text generated straight from human text.";
            return false;
        }

        if (!TryUnknownPolicy(draft, out var unknown, out error)
            || !TryFilters(draft, out var filters, out error))
        {
            return false;
        }

        NearDuplicateSettings? near = null;
        if (draft.NearDuplicates)
        {
            var threshold = draft.NearDuplicateThreshold ?? DefaultNearDuplicateThreshold;
            if (double.IsNaN(threshold) || threshold < 0.5 || threshold > 1)
            {
                error = $"nearDuplicates.threshold {Format(threshold)} is outside 0.5..1 (estimated Jaccard similarity of word 5-grams).";
                return false;
            }
            near = new NearDuplicateSettings(threshold);
        }
        else if (draft.NearDuplicateThreshold is not null)
        {
            error = "nearDuplicates.threshold is set but near-duplicate removal is off.";
            return false;
        }

        spec = new MixSpec(dataset, baseRef, unit, target, minHuman, maxSynthetic, draft.MaxDepth, maxGenerator, unknown, filters, near,
            draft.RequireAnchors ?? false, draft.Seed ?? 0);
        error = null;
        return true;
    }

    static bool TryUnknownPolicy(MixSpecDraft draft, out UnknownPolicy policy, out string? error)
    {
        policy = UnknownPolicy.Exclude;
        error = null;
        var admit = string.IsNullOrWhiteSpace(draft.UnknownAdmit) ? "none" : draft.UnknownAdmit.Trim().ToLowerInvariant();
        switch (admit)
        {
            case "none":
                if (draft.UnknownHumanAtLeast is not null || draft.UnknownSyntheticAtLeast is not null)
                {
                    error = "unknown.humanAtLeast and unknown.syntheticAtLeast only apply with unknown.admit = detector.";
                    return false;
                }
                return true;
            case "detector":
                if (!TryShare("unknown.humanAtLeast", draft.UnknownHumanAtLeast ?? DefaultUnknownThreshold, allowZero: false, out var human, out error)
                    || !TryShare("unknown.syntheticAtLeast", draft.UnknownSyntheticAtLeast ?? DefaultUnknownThreshold, allowZero: false, out var synthetic, out error))
                {
                    return false;
                }
                if (human < 0.5m || synthetic < 0.5m || human + synthetic <= 1)
                {
                    error = $"unknown.humanAtLeast ({human}) and unknown.syntheticAtLeast ({synthetic}) must each be at least 0.5 and add up to more than 1, "
                        + "so that no score counts as both human and synthetic.";
                    return false;
                }
                policy = new UnknownPolicy(true, human, synthetic);
                return true;
            default:
                error = $"unknown.admit '{Shorten(draft.UnknownAdmit!)}' is not one of: none (leave unknown documents out), detector (admit them on detector scores).";
                return false;
        }
    }

    static bool TryFilters(MixSpecDraft draft, out MixFilters filters, out string? error)
    {
        filters = null!;
        var languages = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (value, i) in (draft.Languages ?? []).Select((v, i) => (v, i)))
        {
            var tag = value?.Trim().ToLowerInvariant() ?? "";
            if (!LanguageTag().IsMatch(tag))
            {
                error = $"filters.languages[{i}] '{Shorten(value ?? "")}' is not a BCP 47 tag such as en, de-ch or zh-hant.";
                return false;
            }
            languages.Add(tag);
        }
        var licences = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (value, i) in (draft.Licences ?? []).Select((v, i) => (v, i)))
        {
            var licence = value?.Trim() ?? "";
            if (licence.Length is 0 or > 100 || StoredValues.Line($"filters.licences[{i}]", licence) is not null)
            {
                error = $"filters.licences[{i}] must be a licence identifier of 1 to 100 characters, such as CC-BY-4.0.";
                return false;
            }
            licences.Add(licence.ToLowerInvariant());
        }
        var domains = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (value, i) in (draft.SourceDomains ?? []).Select((v, i) => (v, i)))
        {
            var domain = SourceDomain.Normalize(value);
            if (domain is null)
            {
                error = $"filters.sourceDomains[{i}] '{Shorten(value ?? "")}' is not a host name such as example.org.";
                return false;
            }
            domains.Add(domain);
        }
        var generators = new SortedSet<string>(StringComparer.Ordinal);
        var parsed = new List<GeneratorName>();
        foreach (var (value, i) in (draft.Generators ?? []).Select((v, i) => (v, i)))
        {
            if (!GeneratorName.TryParse(value, out var generator, out var why))
            {
                error = $"filters.generators[{i}]: {why}";
                return false;
            }
            if (generators.Add(generator.ToString()))
            {
                parsed.Add(generator);
            }
        }
        if (languages.Count > MaxFilterValues || licences.Count > MaxFilterValues || domains.Count > MaxFilterValues || generators.Count > MaxFilterValues)
        {
            error = $"a filter list has more than {MaxFilterValues} values.";
            return false;
        }
        if (draft.FirstSeenFrom is { } from && draft.FirstSeenBefore is { } before && from >= before)
        {
            error = $"filters.firstSeenFrom ({from:O}) is not before filters.firstSeenBefore ({before:O}).";
            return false;
        }

        var classes = new SortedSet<ProvenanceClass>();
        foreach (var (value, i) in (draft.Classes ?? []).Select((v, i) => (v, i)))
        {
            if (!WireNames.TryParse<ProvenanceClass>(value, out var cls))
            {
                error = WireNames.Explain<ProvenanceClass>($"filters.classes[{i}]", value);
                return false;
            }
            if (cls == ProvenanceClass.Unknown)
            {
                error = $"filters.classes[{i}] is unknown; documents of unknown class are admitted with unknown.admit = detector, and count as the class the detector gives.";
                return false;
            }
            classes.Add(cls);
        }
        if (draft.Classes is { Count: > 0 } && classes.Count == 0)
        {
            error = "filters.classes is empty; leave it out to admit human, synthetic and mixed documents.";
            return false;
        }
        if (classes.Count == 0)
        {
            classes = [ProvenanceClass.Human, ProvenanceClass.Synthetic, ProvenanceClass.Mixed];
        }
        filters = new MixFilters([.. languages], [.. licences], [.. domains],
            draft.FirstSeenFrom?.ToUniversalTime(), draft.FirstSeenBefore?.ToUniversalTime(), [.. classes],
            [.. parsed.OrderBy(g => g.ToString(), StringComparer.Ordinal)]);
        error = null;
        return true;
    }

    static bool TryShare(string field, double? value, bool allowZero, out decimal share, out string? error)
    {
        share = 0;
        error = null;
        if (value is not { } v || double.IsNaN(v) || v < 0 || v > 1 || (!allowZero && v == 0))
        {
            error = $"{field} {(value is null ? "is missing" : Format(value.Value))} is not a share in {(allowZero ? "0..1" : "(0, 1]")}, such as 0.7.";
            return false;
        }
        // Shares are kept as decimals so that 0.7 of 1,000 documents is exactly 700, not 699.999….
        share = (decimal)v;
        return true;
    }

    /// <summary>
    /// 1 to 100 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit, and not only digits
    /// (a bare number names a version by its id).
    /// </summary>
    public static bool IsDatasetName(string name) => DatasetName().IsMatch(name) && !name.All(char.IsAsciiDigit);

    static string Format(double v) => v.ToString(CultureInfo.InvariantCulture);

    static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "…";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex DatasetName();

    [GeneratedRegex("^[a-z]{2,3}(-[a-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();
}
