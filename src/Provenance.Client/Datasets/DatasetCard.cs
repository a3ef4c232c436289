using System.Globalization;
using System.Text;
using System.Text.Json;
using Provenance.Contracts.Datasets;

namespace Provenance.Client.Datasets;

/// <summary>
/// The dataset card (README.md) of an export: a YAML header in the Hugging Face format (licence, languages, size,
/// and the data files of the train split) and a body with the version's provenance: composition, generators,
/// sources, depths, the collapse-risk report with its warnings, the base it accumulates on, and the spec.
/// </summary>
public static class DatasetCard
{
    static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Write(DatasetVersionResponse v, ExportFormat format, int shards, IReadOnlyList<string> languages, IReadOnlyList<string> licences)
    {
        var m = v.Manifest;
        var s = m.Stats;
        var r = m.CollapseRisk;
        var extension = format == ExportFormat.Parquet ? "parquet" : "jsonl";
        var licence = licences.Count == 1 && licences[0].Length > 0 ? licences[0].ToLowerInvariant() : "other";
        var card = new StringBuilder();
        card.AppendLine("---");
        card.AppendLine(Inv($"pretty_name: \"{v.Ref}\""));
        card.AppendLine(Inv($"license: {licence}"));
        if (languages.Count > 0)
        {
            card.AppendLine("language:");
            foreach (var language in languages)
            {
                card.AppendLine(Inv($"- {language}"));
            }
        }
        card.AppendLine("language_creators:");
        foreach (var creator in LanguageCreators(s))
        {
            card.AppendLine(Inv($"- {creator}"));
        }
        card.AppendLine("size_categories:");
        card.AppendLine(Inv($"- {SizeCategory(v.Documents)}"));
        card.AppendLine("tags:");
        card.AppendLine("- provenance");
        card.AppendLine("- synthetic-data-accumulation");
        card.AppendLine("configs:");
        card.AppendLine("- config_name: default");
        card.AppendLine("  data_files:");
        card.AppendLine("  - split: train");
        card.AppendLine(Inv($"    path: \"data/train-*.{extension}\""));
        card.AppendLine("---");
        card.AppendLine();
        card.AppendLine(Inv($"# {v.Ref}"));
        card.AppendLine();
        card.AppendLine(Inv($"Dataset version {v.Version} of `{v.Dataset}`, assembled by the Provenance registry on {v.CreatedAt:yyyy-MM-dd} for `{v.RequestedBy}`:"));
        card.AppendLine(Inv($"{v.Documents:N0} documents, {v.Tokens:N0} tokens (o200k_base), in {shards:N0} {extension} shard(s) under `data/`, in version order."));
        card.AppendLine();
        card.AppendLine(Inv($"Manifest hash: `{v.ManifestHash}`. `manifest.json` holds the spec, the base, the statistics and every document id with its"));
        card.AppendLine("content hash; check it with `sha256sum manifest.json`. The same spec on the same registry snapshot gives the same manifest, byte for byte.");
        card.AppendLine();
        card.AppendLine(m.Base is { } b
            ? Inv($"It accumulates on `{b.Dataset}@{b.Version}` (`{b.ManifestHash}`): its first {r.Accumulation.BaseDocuments:N0} documents are that version's, in the same order, and {r.Accumulation.AddedDocuments:N0} were added.")
            : "It is the first version of its chain (no base).");
        card.AppendLine();

        card.AppendLine("## Composition");
        card.AppendLine();
        card.AppendLine(Inv($"Shares are measured in {s.Unit}, as the spec's target is."));
        card.AppendLine();
        card.AppendLine("| counted as | documents | tokens |");
        card.AppendLine("|---|---:|---:|");
        foreach (var c in s.ByClass)
        {
            card.AppendLine(Inv($"| {c.Class} | {c.Documents:N0} | {c.Tokens:N0} |"));
        }
        card.AppendLine();
        card.AppendLine(Inv($"Human share **{P(r.HumanShare)}** (the spec's floor: {P(m.Spec.MinHumanShare ?? 0)}), synthetic {P(r.SyntheticShare)} (cap {P(m.Spec.MaxSyntheticShare ?? 1)}), mixed {P(r.MixedShare)}, unknown {P(r.UnknownShare)}."));
        card.AppendLine();

        card.AppendLine("## Generators");
        card.AppendLine();
        if (s.ByGenerator.Count == 0)
        {
            card.AppendLine("No model-written documents.");
        }
        else
        {
            card.AppendLine("| generator | documents | tokens |");
            card.AppendLine("|---|---:|---:|");
            foreach (var g in s.ByGenerator)
            {
                card.AppendLine(Inv($"| {g.Generator ?? "(not named)"} | {g.Documents:N0} | {g.Tokens:N0} |"));
            }
        }
        card.AppendLine();

        card.AppendLine("## Sources");
        card.AppendLine();
        card.AppendLine(Inv($"{s.BySource.Distinct:N0} source domains (the host of each document's first sighting); the version covers {P(r.SourceCoverage.Coverage)} of the registry's {r.SourceCoverage.RegistryDomains:N0}, total variation distance from the registry's mix {r.SourceCoverage.TotalVariation:0.###}."));
        card.AppendLine();
        card.AppendLine("| source domain | documents | tokens |");
        card.AppendLine("|---|---:|---:|");
        foreach (var src in s.BySource.Top.Take(20))
        {
            card.AppendLine(Inv($"| {src.Domain ?? "(none)"} | {src.Documents:N0} | {src.Tokens:N0} |"));
        }
        var otherDocuments = s.BySource.Top.Skip(20).Sum(x => x.Documents) + s.BySource.OtherDocuments;
        if (otherDocuments > 0)
        {
            card.AppendLine(Inv($"| (other) | {otherDocuments:N0} | {s.BySource.Top.Skip(20).Sum(x => x.Tokens) + s.BySource.OtherTokens:N0} |"));
        }
        card.AppendLine();

        card.AppendLine("## Generation depth");
        card.AppendLine();
        card.AppendLine("| depth | documents | tokens |");
        card.AppendLine("|---|---:|---:|");
        foreach (var d in s.ByDepth)
        {
            card.AppendLine(Inv($"| {(d.Depth is { } depth ? depth.ToString(CultureInfo.InvariantCulture) : "unknown")} | {d.Documents:N0} | {d.Tokens:N0} |"));
        }
        card.AppendLine();

        card.AppendLine("## Collapse risk");
        card.AppendLine();
        card.AppendLine(Inv($"- model-written depth: mean {(r.SyntheticDepth.Mean is { } mean ? mean.ToString("0.##", CultureInfo.InvariantCulture) : "-")}, max {(r.SyntheticDepth.Max?.ToString(CultureInfo.InvariantCulture) ?? "-")}, depth 2 or more (or unknown): {P(r.SyntheticDepth.RecursiveShare)}"));
        card.AppendLine(Inv($"- generators: {r.GeneratorConcentration.Generators}, largest {r.GeneratorConcentration.TopGenerator ?? "-"} at {P(r.GeneratorConcentration.TopShare)} of the model-written {s.Unit}, HHI {r.GeneratorConcentration.Hhi:0.###}"));
        card.AppendLine(Inv($"- source domains: {r.SourceCoverage.MixDomains:N0} of {r.SourceCoverage.RegistryDomains:N0} in the registry"));
        if (r.Accumulation.DetectorAdmitted > 0)
        {
            card.AppendLine(Inv($"- {r.Accumulation.DetectorAdmitted:N0} documents of unknown provenance counted on detector scores"));
        }
        card.AppendLine();
        if (r.Warnings.Count == 0)
        {
            card.AppendLine("No warnings.");
        }
        else
        {
            card.AppendLine("Warnings:");
            card.AppendLine();
            foreach (var w in r.Warnings)
            {
                card.AppendLine(Inv($"- {w}"));
            }
        }
        card.AppendLine();

        card.AppendLine("## Fields");
        card.AppendLine();
        card.AppendLine("| field | meaning |");
        card.AppendLine("|---|---|");
        foreach (var column in ExportColumns.All)
        {
            card.AppendLine(Inv($"| {column.Name} | {column.Meaning} |"));
        }
        card.AppendLine();
        card.AppendLine("## Spec");
        card.AppendLine();
        card.AppendLine("```json");
        card.AppendLine(JsonSerializer.Serialize(m.Spec, Indented));
        card.AppendLine("```");
        return card.ToString();
    }

    /// <summary>
    /// Hugging Face's language_creators: text found on the web (human, or of unknown provenance) and, when the version holds
    /// model-written text (synthetic or mixed), machine-generated.
    /// </summary>
    public static IReadOnlyList<string> LanguageCreators(DatasetStats stats)
    {
        var creators = new List<string>();
        if (stats.ByClass.Any(c => c.Class is "human" or "unknown" && c.Documents > 0))
        {
            creators.Add("found");
        }
        if (HoldsModelText(stats))
        {
            creators.Add("machine-generated");
        }
        return creators;
    }

    /// <summary>Whether the version counts any document as synthetic or mixed.</summary>
    public static bool HoldsModelText(DatasetStats stats) => stats.ByClass.Any(c => c.Class is "synthetic" or "mixed" && c.Documents > 0);

    static string SizeCategory(long n) => n switch
    {
        < 1_000 => "n<1K",
        < 10_000 => "1K<n<10K",
        < 100_000 => "10K<n<100K",
        < 1_000_000 => "100K<n<1M",
        < 10_000_000 => "1M<n<10M",
        < 100_000_000 => "10M<n<100M",
        < 1_000_000_000 => "100M<n<1B",
        _ => "n>1B",
    };

    static string P(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
