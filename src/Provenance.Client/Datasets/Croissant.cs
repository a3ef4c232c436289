using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Contracts.Datasets;

namespace Provenance.Client.Datasets;

/// <summary>A file of an export, as Croissant describes it.</summary>
/// <param name="Path">Relative to the export folder, with forward slashes.</param>
/// <param name="Sha256">Lowercase hex.</param>
public sealed record ExportedFile(string Path, long Bytes, string Sha256, string EncodingFormat, string Description);

/// <summary>
/// The <c>croissant.json</c> of an export: Croissant 1.1 metadata (every required property, a FileObject with its SHA-256
/// for each file, a RecordSet describing the columns, <c>prov:wasDerivedFrom</c> the base version's manifest) and the
/// Responsible-AI 1.0 properties the registry can state: how the data was collected, which detector labelled documents,
/// whether and how much of it a model wrote, and what its labels cannot promise.
/// </summary>
public static class Croissant
{
    public const string Specification = "http://mlcommons.org/croissant/1.1";
    public const string RaiSpecification = "http://mlcommons.org/croissant/RAI/1.0";

    /// <summary>The context the specification recommends (its Appendix 1), kept in this assembly rather than fetched.</summary>
    static readonly Lazy<JsonObject> Context = new(() =>
    {
        using var stream = typeof(Croissant).Assembly.GetManifestResourceStream("Provenance.Client.Datasets.croissant-context.json")
            ?? throw new InvalidOperationException("the Croissant context is missing from the assembly");
        return JsonNode.Parse(stream)!.AsObject();
    });

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="registry">The registry's base URL; the version's and its base's URLs are under it.</param>
    /// <param name="shards">The data files, in order; they make the FileSet the RecordSet reads.</param>
    /// <param name="others">The other files of the export (manifest.json, the card).</param>
    /// <param name="detectorModels">The detectors (name@version) whose scores counted documents of unknown provenance.</param>
    public static string Write(DatasetVersionResponse v, ExportFormat format, Uri registry, IReadOnlyList<ExportedFile> shards, IReadOnlyList<ExportedFile> others,
        IReadOnlyList<string> languages, IReadOnlyList<string> licences, IReadOnlyList<string> detectorModels)
    {
        var m = v.Manifest;
        var r = m.CollapseRisk;
        var extension = format == ExportFormat.Parquet ? "parquet" : "jsonl";
        var shardFormat = format == ExportFormat.Parquet ? "application/x-parquet" : "application/jsonlines";
        var versionUrl = new Uri(registry, Inv($"v1/datasets/{v.Id}")).AbsoluteUri;
        var shares = Shares(v);

        var distribution = new JsonArray();
        foreach (var file in others.Concat(shards))
        {
            distribution.Add(new JsonObject
            {
                ["@type"] = "cr:FileObject",
                ["@id"] = file.Path,
                ["name"] = file.Path,
                ["description"] = file.Description,
                ["contentUrl"] = file.Path,
                ["contentSize"] = Inv($"{file.Bytes} B"),
                ["encodingFormat"] = file.EncodingFormat,
                ["sha256"] = file.Sha256,
            });
        }
        distribution.Add(new JsonObject
        {
            ["@type"] = "cr:FileSet",
            ["@id"] = "shards",
            ["name"] = "shards",
            ["description"] = Inv($"The {shards.Count} shard(s) of the train split, in version order."),
            ["encodingFormat"] = shardFormat,
            ["includes"] = Inv($"data/train-*.{extension}"),
        });

        var fields = new JsonArray();
        foreach (var column in ExportColumns.All)
        {
            fields.Add(new JsonObject
            {
                ["@type"] = "cr:Field",
                ["@id"] = "documents/" + column.Name,
                ["name"] = column.Name,
                ["description"] = column.Meaning,
                ["dataType"] = column.DataType,
                ["source"] = new JsonObject
                {
                    ["fileSet"] = new JsonObject { ["@id"] = "shards" },
                    ["extract"] = new JsonObject { ["column"] = column.Name },
                },
            });
        }

        var croissant = new JsonObject
        {
            ["@context"] = Context.Value.DeepClone(),
            ["@type"] = "sc:Dataset",
            ["name"] = v.Ref,
            ["description"] = Inv($"Dataset version {v.Version} of {v.Dataset}, assembled by the Provenance registry: {v.Documents:N0} documents, {v.Tokens:N0} tokens (o200k_base). {shares}"),
            ["conformsTo"] = new JsonArray(Specification, RaiSpecification),
            ["license"] = Licences(licences),
            ["url"] = versionUrl,
            ["creator"] = new JsonObject
            {
                ["@type"] = "sc:Organization",
                ["name"] = v.RequestedBy,
                ["description"] = "The registry key that asked for the version.",
            },
            ["datePublished"] = Time(v.CreatedAt),
            ["dateCreated"] = Time(v.CreatedAt),
            ["version"] = Inv($"{v.Version}.0.0"),
            ["keywords"] = new JsonArray("provenance", "synthetic-data-accumulation"),
            ["inLanguage"] = new JsonArray([.. languages.Select(l => (JsonNode)l)]),
            ["prov:wasGeneratedBy"] = new JsonObject
            {
                ["@type"] = "prov:Activity",
                ["prov:label"] = Inv($"assembly of {v.Ref} from its mix spec"),
                ["prov:endedAtTime"] = Time(v.CreatedAt),
                ["prov:wasAssociatedWith"] = new JsonObject { ["@type"] = "prov:Agent", ["prov:label"] = v.RequestedBy },
            },
        };
        if (m.Base is { } b)
        {
            croissant["prov:wasDerivedFrom"] = new JsonObject
            {
                ["@id"] = new Uri(registry, Inv($"v1/datasets/{b.Id}/manifest")).AbsoluteUri,
                ["@type"] = "prov:Entity",
                ["name"] = Inv($"manifest of {b.Dataset}@{b.Version}, the version this one accumulates on"),
                ["sha256"] = b.ManifestHash.Replace("sha256:", "", StringComparison.Ordinal),
            };
        }
        croissant["rai:dataCollection"] = Collection(v);
        croissant["rai:dataCollectionType"] = new JsonArray("Web Scraping", "Software Collection");
        croissant["rai:dataCollectionRawData"] = shares;
        if (r.Accumulation.DetectorAdmitted > 0 && detectorModels.Count > 0)
        {
            croissant["rai:machineAnnotationTools"] = new JsonArray([.. detectorModels.Select(d => (JsonNode)Inv($"{d} (AI-text detector whose scores counted {r.Accumulation.DetectorAdmitted:N0} documents of unknown provenance)"))]);
        }
        croissant["rai:hasSyntheticData"] = DatasetCard.HoldsModelText(m.Stats);
        croissant["rai:dataLimitations"] = new JsonArray([.. Limitations(v).Select(l => (JsonNode)l)]);
        croissant["distribution"] = distribution;
        croissant["recordSet"] = new JsonArray(new JsonObject
        {
            ["@type"] = "cr:RecordSet",
            ["@id"] = "documents",
            ["name"] = "documents",
            ["description"] = "One record per document of the version, in version order.",
            ["key"] = new JsonObject { ["@id"] = "documents/id" },
            ["field"] = fields,
        });
        return croissant.ToJsonString(Indented) + "\n";
    }

    /// <summary>The version's composition in a few sentences: the explanation of its shares that RAI readers look for.</summary>
    public static string Shares(DatasetVersionResponse v)
    {
        var m = v.Manifest;
        var r = m.CollapseRisk;
        var text = new StringBuilder();
        text.Append(Inv($"Counted in {m.Stats.Unit}, the version is {P(r.HumanShare)} human-written, {P(r.SyntheticShare)} synthetic, {P(r.MixedShare)} mixed and {P(r.UnknownShare)} of unknown provenance"));
        text.Append(Inv($" (the spec's floor on the human share: {P(m.Spec.MinHumanShare ?? 0)}; its cap on the synthetic share: {P(m.Spec.MaxSyntheticShare ?? 1)})."));
        if (DatasetCard.HoldsModelText(m.Stats))
        {
            var g = r.GeneratorConcentration;
            text.Append(Inv($" Model-written text comes from {g.Generators} generator(s)"));
            if (g.TopGenerator is { } top)
            {
                text.Append(Inv($", the largest {top} at {P(g.TopShare)} of it"));
            }
            text.Append(Inv($"; its generation depth averages {(r.SyntheticDepth.Mean is { } mean ? mean.ToString("0.##", CultureInfo.InvariantCulture) : "unknown")}"));
            text.Append(Inv($", and {P(r.SyntheticDepth.RecursiveShare)} of it is at depth 2 or more (model text from model text) or of unknown depth."));
        }
        else
        {
            text.Append(" No document is counted as model-written.");
        }
        if (r.Accumulation.DetectorAdmitted > 0)
        {
            text.Append(Inv($" {r.Accumulation.DetectorAdmitted:N0} document(s) of unknown provenance are counted by an AI-text detector's scores."));
        }
        return text.ToString();
    }

    static string Collection(DatasetVersionResponse v)
    {
        var m = v.Manifest;
        var text = new StringBuilder(
            "Crawlers and publishers registered each document with the Provenance registry, with the URI and time of each sighting and, where they knew it, " +
            "its provenance (human, synthetic or mixed, and the model that wrote it) and the documents it was derived from. Curators may overrule a declaration; " +
            "documents declared by nobody are scored by an AI-text detector. ");
        text.Append(Inv($"This version was selected from the registry by a mix spec (seed {m.Spec.Seed?.ToString(CultureInfo.InvariantCulture) ?? "default"}), "));
        text.Append(m.Base is { } b
            ? Inv($"keeping every document of {b.Dataset}@{b.Version} in its order and adding {m.CollapseRisk.Accumulation.AddedDocuments:N0}.")
            : "as the first version of its chain.");
        return text.ToString();
    }

    static IEnumerable<string> Limitations(DatasetVersionResponse v)
    {
        var r = v.Manifest.CollapseRisk;
        yield return "Detector labels are probabilistic: a class that only an AI-text detector gave is evidence, not provenance, and some such documents are misclassified. " +
            (r.Accumulation.DetectorAdmitted > 0
                ? Inv($"This version counts {r.Accumulation.DetectorAdmitted:N0} document(s) of unknown provenance by detector scores; the column counted_as shows how each was counted.")
                : "This version counts no document by detector scores alone.");
        yield return "Declared provenance is what registrants stated and is taken as given unless a curator overruled it.";
        foreach (var warning in r.Warnings)
        {
            yield return warning;
        }
    }

    /// <summary>SPDX licence URLs; documents registered without a licence are named as such rather than left out.</summary>
    static JsonArray Licences(IReadOnlyList<string> licences)
    {
        var list = new JsonArray();
        foreach (var licence in licences.Where(l => l.Length > 0))
        {
            list.Add(Inv($"https://spdx.org/licenses/{Uri.EscapeDataString(licence)}.html"));
        }
        if (licences.Any(l => l.Length == 0) || list.Count == 0)
        {
            list.Add(new JsonObject { ["@type"] = "sc:CreativeWork", ["name"] = "unstated", ["description"] = "Some documents were registered without a licence." });
        }
        return list;
    }

    static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    static string P(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
