using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Domain.Documents;
using Provenance.Domain.Generators;
using Provenance.Domain.Lineage;

namespace Provenance.Domain.Assertions;

/// <summary>What a C2PA manifest report says about a document, in the registry's terms.</summary>
/// <param name="Class">What the active manifest's actions declare, or null when none carries a digitalSourceType.</param>
/// <param name="Generator">The active manifest's claim generator, as name@version.</param>
/// <param name="Parents">Its ingredients that carry a hash, by content hash.</param>
/// <param name="Evidence">The parts of the report that were read, and its validation results as the reporter gave them.</param>
public sealed record C2paDeclaration(ProvenanceClass? Class, GeneratorName? Generator, IReadOnlyList<ParentReference> Parents, JsonObject Evidence);

/// <summary>
/// Reads a C2PA manifest store report, the JSON that <c>c2patool</c> or a C2PA SDK's reader prints for an asset:
/// <c>{"active_manifest": label, "manifests": {label: {"claim_generator_info", "assertions", "ingredients"}},
/// "validation_state", "validation_status", "validation_results"}</c>. Only the active manifest is read. The registry
/// has no C2PA library, so it cannot check the report's signatures: the report is the registrant's word, kept as
/// declared evidence with the validation results its reporter gave.
/// </summary>
public static class C2paReport
{
    /// <summary>Largest report, in UTF-8 bytes as sent: a report without thumbnails or detailed claims is a few KiB.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Deepest nesting of a report: c2patool's nests about ten levels (an ingredient's validation results).</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// How an ingredient's relationship becomes a lineage relation. The registry has no "contains" relation: a
    /// component's text is in the document as an edited parent's is, so both are <c>edited_from</c>; an input to a
    /// generative action was (part of) the prompt or context.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, LineageRelation> Relationships = new Dictionary<string, LineageRelation>
    {
        ["parentOf"] = LineageRelation.EditedFrom,
        ["componentOf"] = LineageRelation.EditedFrom,
        ["inputTo"] = LineageRelation.GeneratedFrom,
    };

    // The c2pa-rs reader's default when an ingredient names no relationship.
    const string DefaultRelationship = "componentOf";

    const string Field = "declared.c2pa";

    public static bool TryRead(JsonElement report, out C2paDeclaration declaration, out string? error)
    {
        declaration = null!;
        if (report.ValueKind != JsonValueKind.Object)
        {
            error = $"{Field} is {Kind(report)}, not a C2PA manifest store report; send the JSON object c2patool prints for the asset, with active_manifest and manifests.";
            return false;
        }
        // Raw bytes, not GetRawText: the server parses the body without decoding its strings, and the storable check
        // below is what refuses invalid UTF-8 with a reason.
        var bytes = JsonMarshal.GetRawUtf8Value(report).Length;
        if (bytes > MaxBytes)
        {
            error = $"{Field} is {bytes:N0} bytes; the limit is {MaxBytes:N0} ({MaxBytes / 1024} KiB). Send c2patool's summary report, without --detailed and without thumbnails.";
            return false;
        }
        if (Depth(report, 1) > MaxDepth)
        {
            error = $"{Field} nests more than {MaxDepth} levels deep; a C2PA manifest store report nests about ten.";
            return false;
        }
        if (StoredValues.Json(Field, report) is { } unstorable)
        {
            error = unstorable;
            return false;
        }
        if (!report.TryGetProperty("active_manifest", out var label) || label.ValueKind != JsonValueKind.String || label.GetString()!.Length == 0)
        {
            error = $"{Field} has no active_manifest; the report of an asset without Content Credentials declares nothing. Leave declared.c2pa out.";
            return false;
        }
        var active = label.GetString()!;
        if (!report.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Object
            || !manifests.TryGetProperty(active, out var manifest) || manifest.ValueKind != JsonValueKind.Object)
        {
            error = $"{Field}.manifests has no manifest '{Shorten(active)}', the active_manifest; send the whole report.";
            return false;
        }
        var where = $"{Field} manifest '{Shorten(active)}'";
        var evidence = new JsonObject { ["activeManifest"] = active };

        if (!TryReadActions(manifest, where, evidence, out var cls, out error)
            || !TryReadClaimGenerator(manifest, where, evidence, out var generator, out error)
            || !TryReadIngredients(manifest, where, evidence, out var parents, out error))
        {
            return false;
        }
        foreach (var (member, name) in (ReadOnlySpan<(string, string)>)[
            ("validation_state", "validationState"), ("validation_status", "validationStatus"), ("validation_results", "validationResults")])
        {
            if (report.TryGetProperty(member, out var given))
            {
                evidence[name] = JsonNode.Parse(given.GetRawText());
            }
        }
        evidence["signaturesCheckedByRegistry"] = false;
        declaration = new C2paDeclaration(cls, generator, parents, evidence);
        return true;
    }

    /// <summary>
    /// The class the <c>digitalSourceType</c> of the manifest's actions imply: one class when they agree, mixed when
    /// they name both human and synthetic sources (a generated draft a person then edited).
    /// </summary>
    static bool TryReadActions(JsonElement manifest, string where, JsonObject evidence, out ProvenanceClass? cls, out string? error)
    {
        cls = null;
        error = null;
        var declared = new JsonArray();
        foreach (var assertion in Items(manifest, "assertions"))
        {
            if (!IsActions(assertion) || !assertion.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            foreach (var action in Items(data, "actions"))
            {
                if (!action.TryGetProperty("digitalSourceType", out var source))
                {
                    continue;
                }
                if (source.ValueKind != JsonValueKind.String)
                {
                    error = $"{where}: the digitalSourceType of the action {ActionName(action)} is {Kind(source)}, not an IPTC code or URI.";
                    return false;
                }
                if (!DigitalSourceType.TryParse(source.GetString(), out var uri, out var implied, out error))
                {
                    error = $"{where}: the action {ActionName(action)} has an {error}";
                    return false;
                }
                cls = cls is null || cls == implied ? implied : ProvenanceClass.Mixed;
                var name = action.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                declared.Add(new JsonObject { ["action"] = name, ["digitalSourceType"] = uri });
            }
        }
        evidence["actions"] = declared;
        return true;
    }

    static bool IsActions(JsonElement assertion)
    {
        if (!assertion.TryGetProperty("label", out var l) || l.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        // A manifest with several assertions of one kind numbers them: c2pa.actions__1.
        var label = l.GetString()!;
        var instance = label.IndexOf("__", StringComparison.Ordinal);
        return (instance < 0 ? label : label[..instance]) is "c2pa.actions" or "c2pa.actions.v2";
    }

    static string ActionName(JsonElement action) =>
        action.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? $"'{Shorten(a.GetString()!)}'" : "(unnamed)";

    /// <summary>
    /// The claim generator: the first <c>claim_generator_info</c> entry's name and version, or else the first
    /// product of the legacy <c>claim_generator</c> string (<c>"name/version other/version"</c>).
    /// </summary>
    static bool TryReadClaimGenerator(JsonElement manifest, string where, JsonObject evidence, out GeneratorName? generator, out string? error)
    {
        generator = null;
        error = null;
        string? text = null;
        var info = manifest.TryGetProperty("claim_generator_info", out var i) ? i : default;
        var first = info.ValueKind switch
        {
            JsonValueKind.Array => info.EnumerateArray().FirstOrDefault(),
            JsonValueKind.Object => info,
            _ => default,
        };
        if (first.ValueKind == JsonValueKind.Object && first.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            var version = first.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : "";
            text = version.Length == 0 ? name.GetString() : $"{name.GetString()!.Trim()}@{version}";
            evidence["claimGeneratorInfo"] = JsonNode.Parse(first.GetRawText());
        }
        else if (manifest.TryGetProperty("claim_generator", out var legacy) && legacy.ValueKind == JsonValueKind.String)
        {
            var product = legacy.GetString()!.Trim().Split(' ', 2)[0];
            var slash = product.IndexOf('/', StringComparison.Ordinal);
            text = slash < 0 ? product : $"{product[..slash]}@{product[(slash + 1)..]}";
            evidence["claimGenerator"] = legacy.GetString();
        }
        if (text is null)
        {
            return true;
        }
        if (!GeneratorName.TryParse(text, out var parsed, out error))
        {
            error = $"{where}: the claim generator cannot name a generator: {error}";
            return false;
        }
        generator = parsed;
        return true;
    }

    /// <summary>The ingredients with a hash, as parents named by content hash; those without one name no text.</summary>
    static bool TryReadIngredients(JsonElement manifest, string where, JsonObject evidence, out List<ParentReference> parents, out string? error)
    {
        parents = [];
        error = null;
        var used = new JsonArray();
        var index = 0;
        foreach (var ingredient in Items(manifest, "ingredients"))
        {
            var at = $"{where} ingredients[{index++}]";
            if (!ingredient.TryGetProperty("hash", out var h) || h.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (h.ValueKind != JsonValueKind.String || !ContentHash.TryParse(h.GetString(), out var hash))
            {
                var given = h.ValueKind == JsonValueKind.String ? $"'{Shorten(h.GetString()!)}'" : Kind(h);
                error = $"{at}.hash {given} is not a SHA-256 of text in hex (64 hex digits, optionally prefixed sha256:); "
                    + "the registry names a parent by the hash of its normalized text. Leave the hash out of ingredients that are not registered texts.";
                return false;
            }
            var relationship = ingredient.TryGetProperty("relationship", out var r) && r.ValueKind == JsonValueKind.String
                ? r.GetString()!
                : DefaultRelationship;
            if (!Relationships.TryGetValue(relationship, out var relation))
            {
                error = $"{at}.relationship '{Shorten(relationship)}' is not one of {string.Join(", ", Relationships.Keys)}.";
                return false;
            }
            parents.Add(new ParentReference(ContentHash: hash.ToString(), Relation: WireNames.Of(relation)));
            used.Add(new JsonObject { ["relationship"] = relationship, ["hash"] = hash.ToString() });
        }
        evidence["ingredients"] = used;
        return true;
    }

    static IEnumerable<JsonElement> Items(JsonElement parent, string member) =>
        parent.TryGetProperty(member, out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    static int Depth(JsonElement e, int level)
    {
        if (level > MaxDepth)
        {
            return level;
        }
        var deepest = level;
        IEnumerable<JsonElement> children = e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => e.EnumerateArray(),
            _ => [],
        };
        foreach (var child in children)
        {
            deepest = Math.Max(deepest, Depth(child, level + 1));
            if (deepest > MaxDepth)
            {
                break;
            }
        }
        return deepest;
    }

    static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "…";
}
