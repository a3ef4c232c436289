using System.Text.Json;
using Json.Schema;

namespace Provenance.Api.Tests.OpenLineage;

/// <summary>
/// The official OpenLineage 2-0-2 schema and standard facets, read from ../shared/schemas/openlineage next to the folder
/// holding Provenance.sln (PROVENANCE_SCHEMAS overrides), and the registry's own <c>provenance_composition</c> facet schema
/// from docs/openlineage. Tests skip, saying why, without the official ones.
/// </summary>
internal sealed class OpenLineageSchemas
{
    public const string Variable = "PROVENANCE_SCHEMAS";

    readonly Dictionary<string, JsonSchema> _facets = [];

    public required JsonSchema Event { get; init; }

    public static OpenLineageSchemas Load()
    {
        var (repository, folder) = Locate();
        Assert.SkipWhen(folder is null, $"OpenLineage schemas not found: set {Variable} to the schemas folder, or place it at ../shared/schemas next to Provenance.sln.");
        // One registry per load: the facets' $refs name the core schema by its $id, resolved as each is built.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var schemas = new OpenLineageSchemas { Event = JsonSchema.FromText(File.ReadAllText(Path.Combine(folder!, "OpenLineage.json")), options) };
        foreach (var file in Directory.GetFiles(Path.Combine(folder!, "facets"), "*.json"))
        {
            schemas._facets[Path.GetFileNameWithoutExtension(file)] = JsonSchema.FromText(File.ReadAllText(file), options);
        }
        schemas._facets["ProvenanceCompositionDatasetFacet"] = JsonSchema.FromText(
            File.ReadAllText(Path.Combine(repository!, "docs", "openlineage", "ProvenanceCompositionDatasetFacet.json")), options);
        return schemas;
    }

    /// <summary>Every way <paramref name="instance"/> falls short of <paramref name="schema"/>; empty when it is valid.</summary>
    public static List<string> Problems(JsonSchema schema, JsonElement instance, string where)
    {
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
        {
            return [];
        }
        var problems = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{where}{d.InstanceLocation} {e.Key}: {e.Value}")).ToList();
        return problems.Count > 0 ? problems : [$"{where}: invalid"];
    }

    /// <summary>
    /// Checks a run event against the core schema, and each facet it carries against that facet's schema (a facet
    /// file's top level describes the facets object holding it, under the facet's key).
    /// </summary>
    public List<string> Check(JsonElement runEvent)
    {
        var problems = Problems(Event, runEvent, "event");
        void Facets(JsonElement owner, string member, string where, params string[] facetSchemas)
        {
            if (owner.TryGetProperty(member, out var facets))
            {
                foreach (var name in facetSchemas)
                {
                    problems.AddRange(Problems(_facets[name], facets, $"{where}.{member} ({name})"));
                }
            }
        }
        Facets(runEvent.GetProperty("run"), "facets", "run", "ErrorMessageRunFacet");
        Facets(runEvent.GetProperty("job"), "facets", "job", "JobTypeJobFacet");
        foreach (var dataset in runEvent.GetProperty("inputs").EnumerateArray().Concat(runEvent.GetProperty("outputs").EnumerateArray()))
        {
            Facets(dataset, "facets", "dataset", "DatasetVersionDatasetFacet", "ProvenanceCompositionDatasetFacet");
            Facets(dataset, "outputFacets", "dataset", "OutputStatisticsOutputDatasetFacet");
        }
        return problems;
    }

    static (string? Repository, string? Schemas) Locate() => (Repository.Root, Repository.Shared(Variable, "schemas", "openlineage"));
}
