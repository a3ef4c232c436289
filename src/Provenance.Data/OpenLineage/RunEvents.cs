using System.Text.Json.Nodes;
using Provenance.Contracts.Datasets;

namespace Provenance.Data.OpenLineage;

/// <summary>
/// What the run events of this registry say about themselves: the namespace its jobs and datasets are in, the producer
/// URI, and where the <c>provenance_composition</c> facet's JSON Schema is published.
/// </summary>
/// <param name="Namespace">The OpenLineage namespace of the jobs (<c>assemble.&lt;dataset&gt;</c>) and of the datasets.</param>
/// <param name="Producer">The URI every event and facet names as its producer.</param>
/// <param name="CompositionSchemaUrl">The <c>_schemaURL</c> of the <c>provenance_composition</c> facet.</param>
public sealed record LineageSettings(string Namespace, string Producer, string CompositionSchemaUrl);

/// <summary>One assembly run: its id, the dataset it writes, and when it began.</summary>
public sealed record LineageRun(Guid RunId, string Dataset, DateTimeOffset StartedAt)
{
    public string JobName => $"assemble.{Dataset}";
}

/// <summary>
/// Builds the OpenLineage 2-0-2 run events of a dataset assembly (no .NET OpenLineage client exists, so the documents are
/// written here and the tests check them against the official schemas). A run is START, then COMPLETE or FAIL; the job is
/// <c>assemble.&lt;dataset&gt;</c>; COMPLETE reads the base version and writes the new one, each a dataset named after
/// the registry's dataset with its version number in the <c>version</c> facet.
/// </summary>
public static class RunEvents
{
    public const string Start = "START";
    public const string Complete = "COMPLETE";
    public const string Fail = "FAIL";

    const string SpecUrl = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
    const string JobTypeUrl = "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet";
    const string VersionUrl = "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet";
    const string OutputStatisticsUrl = "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet";
    const string ErrorMessageUrl = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";

    /// <summary>The key of the registry's own dataset facet on the output: what the version is made of.</summary>
    public const string CompositionFacet = "provenance_composition";

    public static string StartEvent(LineageSettings settings, LineageRun run, DateTimeOffset at) =>
        Event(settings, run, Start, at, new JsonObject(), [], [Dataset(settings, run.Dataset, null)]);

    /// <summary>The run stored (or found) version <paramref name="number"/> of the dataset, described by <paramref name="manifest"/>.</summary>
    public static string CompleteEvent(LineageSettings settings, LineageRun run, DateTimeOffset at, int number, string manifestHash, DatasetManifest manifest)
    {
        JsonArray inputs = manifest.Base is { } b ? [Dataset(settings, b.Dataset, b.Version)] : [];
        var output = Dataset(settings, run.Dataset, number);
        output["facets"]![CompositionFacet] = Composition(settings, manifestHash, manifest);
        output["outputFacets"] = new JsonObject
        {
            ["outputStatistics"] = Facet(settings, OutputStatisticsUrl, new JsonObject { ["rowCount"] = manifest.Stats.Documents }),
        };
        return Event(settings, run, Complete, at, new JsonObject(), inputs, [output]);
    }

    /// <summary>The run stored nothing; <paramref name="message"/> says why (a refusal's detail, or the error).</summary>
    public static string FailEvent(LineageSettings settings, LineageRun run, DateTimeOffset at, string message, string? stackTrace = null)
    {
        var error = new JsonObject { ["message"] = message, ["programmingLanguage"] = "C#" };
        if (stackTrace is not null)
        {
            error["stackTrace"] = stackTrace;
        }
        return Event(settings, run, Fail, at, new JsonObject { ["errorMessage"] = Facet(settings, ErrorMessageUrl, error) }, [], [Dataset(settings, run.Dataset, null)]);
    }

    static string Event(LineageSettings settings, LineageRun run, string type, DateTimeOffset at, JsonObject runFacets, JsonArray inputs, JsonArray outputs)
    {
        var job = new JsonObject
        {
            ["namespace"] = settings.Namespace,
            ["name"] = run.JobName,
            ["facets"] = new JsonObject
            {
                ["jobType"] = Facet(settings, JobTypeUrl, new JsonObject
                {
                    ["processingType"] = "BATCH",
                    ["integration"] = "PROVENANCE",
                    ["jobType"] = "DATASET_ASSEMBLY",
                }),
            },
        };
        var document = new JsonObject
        {
            ["eventType"] = type,
            ["eventTime"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["run"] = new JsonObject { ["runId"] = run.RunId.ToString("D"), ["facets"] = runFacets },
            ["job"] = job,
            ["inputs"] = inputs,
            ["outputs"] = outputs,
            ["producer"] = settings.Producer,
            ["schemaURL"] = SpecUrl,
        };
        return document.ToJsonString();
    }

    /// <summary>A dataset of the registry; with a <paramref name="number"/>, that version of it.</summary>
    static JsonObject Dataset(LineageSettings settings, string dataset, int? number)
    {
        var facets = new JsonObject();
        if (number is { } n)
        {
            facets["version"] = Facet(settings, VersionUrl, new JsonObject { ["datasetVersion"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        return new JsonObject { ["namespace"] = settings.Namespace, ["name"] = dataset, ["facets"] = facets };
    }

    /// <summary>
    /// The <c>provenance_composition</c> facet (schema: docs/openlineage/ProvenanceCompositionDatasetFacet.json): the
    /// version's classes with their counts and shares, how deep its model-written text goes, how much of that one
    /// generator wrote, and the manifest hash that pins the exact document list.
    /// </summary>
    static JsonObject Composition(LineageSettings settings, string manifestHash, DatasetManifest manifest)
    {
        var risk = manifest.CollapseRisk;
        var shares = new Dictionary<string, double>
        {
            ["human"] = risk.HumanShare,
            ["synthetic"] = risk.SyntheticShare,
            ["mixed"] = risk.MixedShare,
            ["unknown"] = risk.UnknownShare,
        };
        var classes = new JsonObject();
        foreach (var (cls, share) in shares)
        {
            var tally = manifest.Stats.ByClass.FirstOrDefault(t => t.Class == cls);
            classes[cls] = new JsonObject { ["documents"] = tally?.Documents ?? 0, ["tokens"] = tally?.Tokens ?? 0, ["share"] = share };
        }
        return Facet(settings, settings.CompositionSchemaUrl, new JsonObject
        {
            ["unit"] = manifest.Stats.Unit,
            ["documents"] = manifest.Stats.Documents,
            ["tokens"] = manifest.Stats.Tokens,
            ["classes"] = classes,
            ["depth"] = new JsonObject { ["max"] = risk.SyntheticDepth.Max, ["mean"] = risk.SyntheticDepth.Mean },
            ["topGenerator"] = risk.GeneratorConcentration.TopGenerator,
            ["topGeneratorShare"] = risk.GeneratorConcentration.TopShare,
            ["manifestHash"] = manifestHash,
        });
    }

    static JsonObject Facet(LineageSettings settings, string schemaUrl, JsonObject fields)
    {
        var facet = new JsonObject { ["_producer"] = settings.Producer, ["_schemaURL"] = schemaUrl };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            facet[name] = value;
        }
        return facet;
    }
}
