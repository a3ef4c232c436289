using System.Text.Json;
using Json.Schema;

namespace Provenance.Api.Tests.Prov;

/// <summary>
/// Checks a PROV-JSON document two ways: against <c>prov-json.schema.json</c> (the submission's structure as a JSON
/// Schema, kept in this folder because the shared schemas folder has no PROV-JSON schema), and for what a schema cannot
/// say: every qualified name uses a declared prefix, and every relation names records the document holds.
/// </summary>
internal static class ProvJsonChecks
{
    static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Prov", "prov-json.schema.json")));

    /// <summary>PROV's own prefixes, which a document uses without declaring them; <c>_</c> marks a blank node.</summary>
    static readonly string[] Predefined = ["prov", "xsd", "_"];

    static readonly Dictionary<string, string> References = new()
    {
        ["prov:entity"] = "entity",
        ["prov:generatedEntity"] = "entity",
        ["prov:usedEntity"] = "entity",
        ["prov:activity"] = "activity",
        ["prov:agent"] = "agent",
        ["prov:generation"] = "wasGeneratedBy",
        ["prov:usage"] = "used",
    };

    /// <summary>Every way <paramref name="document"/> falls short of PROV-JSON; empty when it is valid.</summary>
    public static List<string> Problems(JsonElement document)
    {
        var problems = new List<string>();
        var result = Schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (!result.IsValid)
        {
            problems.AddRange((result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"schema: {d.InstanceLocation} {e.Key}: {e.Value}")));
            if (problems.Count == 0)
            {
                problems.Add("schema: invalid");
            }
        }
        var prefixes = document.GetProperty("prefix").EnumerateObject().Select(p => p.Name).Concat(Predefined).ToHashSet();
        void CheckName(string name, string where)
        {
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !prefixes.Contains(name[..colon]))
            {
                problems.Add($"{where}: '{name}' does not use a declared prefix");
            }
        }
        foreach (var map in document.EnumerateObject().Where(m => m.Name != "prefix"))
        {
            foreach (var record in map.Value.EnumerateObject())
            {
                CheckName(record.Name, map.Name);
                foreach (var attribute in record.Value.EnumerateObject())
                {
                    CheckName(attribute.Name, $"{map.Name}/{record.Name}");
                    if (References.TryGetValue(attribute.Name, out var target))
                    {
                        var id = attribute.Value.GetString()!;
                        CheckName(id, $"{map.Name}/{record.Name}/{attribute.Name}");
                        if (!document.TryGetProperty(target, out var targets) || !targets.TryGetProperty(id, out _))
                        {
                            problems.Add($"{map.Name}/{record.Name}/{attribute.Name}: '{id}' is not in {target}");
                        }
                    }
                    foreach (var value in attribute.Value.ValueKind == JsonValueKind.Array ? [.. attribute.Value.EnumerateArray()] : new[] { attribute.Value })
                    {
                        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var type))
                        {
                            CheckName(type.GetString()!, $"{map.Name}/{record.Name}/{attribute.Name} type");
                            if (type.GetString() == "xsd:QName")
                            {
                                CheckName(value.GetProperty("$").GetString()!, $"{map.Name}/{record.Name}/{attribute.Name}");
                            }
                        }
                    }
                }
            }
        }
        return problems;
    }

    /// <summary>The value of a prov:type attribute (a typed qualified name).</summary>
    public static string TypeOf(JsonElement record) => record.GetProperty("prov:type").GetProperty("$").GetString()!;

    /// <summary>The records of one relation map, as (the record's prov:X values).</summary>
    public static List<JsonElement> Records(JsonElement document, string map) =>
        document.TryGetProperty(map, out var records) ? [.. records.EnumerateObject().Select(r => r.Value)] : [];
}
