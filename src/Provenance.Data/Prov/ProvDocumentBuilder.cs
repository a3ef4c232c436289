using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Provenance.Contracts.Prov;

namespace Provenance.Data.Prov;

/// <summary>
/// Collects the records of a PROV-JSON document. Identifiers are qualified names under <see cref="Prefixes"/>; relation
/// identifiers are blank nodes numbered per relation, so the same graph always serializes the same way.
/// </summary>
internal sealed class ProvDocumentBuilder
{
    /// <summary>
    /// The registry's namespaces. They are URNs, not the deployment's URL, so the same document has the same identifier
    /// in every registry and behind every proxy: a document is named by the SHA-256 of its normalized text.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Prefixes = new Dictionary<string, string>
    {
        ["provenance"] = "urn:provenance:",
        ["doc"] = "urn:provenance:document:sha256:",
        ["gen"] = "urn:provenance:generator:",
        ["crawler"] = "urn:provenance:crawler:",
        ["key"] = "urn:provenance:key:",
        ["detector"] = "urn:provenance:detector:",
        ["act"] = "urn:provenance:activity:",
        ["dataset"] = "urn:provenance:dataset:",
        ["manifest"] = "urn:provenance:manifest:sha256:",
    };

    readonly SortedDictionary<string, JsonObject> _entity = new(StringComparer.Ordinal);
    readonly SortedDictionary<string, JsonObject> _activity = new(StringComparer.Ordinal);
    readonly SortedDictionary<string, JsonObject> _agent = new(StringComparer.Ordinal);
    readonly Dictionary<string, JsonObject> _wasGeneratedBy = [];
    readonly Dictionary<string, JsonObject> _used = [];
    readonly Dictionary<string, JsonObject> _wasDerivedFrom = [];
    readonly Dictionary<string, JsonObject> _wasAssociatedWith = [];
    readonly Dictionary<string, JsonObject> _wasAttributedTo = [];
    readonly HashSet<string> _relations = [];

    /// <summary>A qualified name: <paramref name="prefix"/>, a colon, and <paramref name="local"/> percent-encoded where PROV-N would need an escape.</summary>
    public static string Name(string prefix, string local)
    {
        var name = new StringBuilder(prefix.Length + 1 + local.Length).Append(prefix).Append(':');
        foreach (var b in Encoding.UTF8.GetBytes(local))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '@' or '~')
            {
                name.Append(c);
            }
            else
            {
                name.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return name.ToString();
    }

    /// <summary>A typed literal whose value is a qualified name (how PROV-JSON writes prov:type values).</summary>
    public static JsonObject QualifiedName(string name) => new() { ["$"] = name, ["type"] = "xsd:QName" };

    /// <summary>An xsd:dateTime literal, in UTC.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public JsonObject Entity(string id, string type) => Add(_entity, id, type);

    public JsonObject Activity(string id, string type) => Add(_activity, id, type);

    public JsonObject Agent(string id, string type) => Add(_agent, id, type);

    static JsonObject Add(SortedDictionary<string, JsonObject> map, string id, string type)
    {
        if (!map.TryGetValue(id, out var record))
        {
            record = new JsonObject { ["prov:type"] = QualifiedName(type) };
            map[id] = record;
        }
        return record;
    }

    public string WasGeneratedBy(string entity, string activity, DateTimeOffset? time = null)
    {
        var record = new JsonObject { ["prov:entity"] = entity, ["prov:activity"] = activity };
        if (time is { } t)
        {
            record["prov:time"] = Time(t);
        }
        return Relation(_wasGeneratedBy, "gen", record)!;
    }

    public string Used(string activity, string entity, string? role = null)
    {
        var record = new JsonObject { ["prov:activity"] = activity, ["prov:entity"] = entity };
        if (role is not null)
        {
            record["prov:role"] = QualifiedName(role);
        }
        return Relation(_used, "use", record)!;
    }

    public void WasDerivedFrom(string generated, string used, string type, string? activity = null, string? generation = null, string? usage = null)
    {
        var record = new JsonObject { ["prov:generatedEntity"] = generated, ["prov:usedEntity"] = used };
        if (activity is not null)
        {
            record["prov:activity"] = activity;
        }
        if (generation is not null)
        {
            record["prov:generation"] = generation;
        }
        if (usage is not null)
        {
            record["prov:usage"] = usage;
        }
        record["prov:type"] = QualifiedName(type);
        Relation(_wasDerivedFrom, "der", record);
    }

    public void WasAssociatedWith(string activity, string agent, string? role = null)
    {
        var record = new JsonObject { ["prov:activity"] = activity, ["prov:agent"] = agent };
        if (role is not null)
        {
            record["prov:role"] = QualifiedName(role);
        }
        Relation(_wasAssociatedWith, "assoc", record);
    }

    public void WasAttributedTo(string entity, string agent) =>
        Relation(_wasAttributedTo, "attr", new JsonObject { ["prov:entity"] = entity, ["prov:agent"] = agent });

    /// <summary>Adds the relation unless the same one is there already; answers its identifier (null for a repeat).</summary>
    string? Relation(Dictionary<string, JsonObject> map, string kind, JsonObject record)
    {
        if (!_relations.Add(kind + record.ToJsonString()))
        {
            return null;
        }
        var id = string.Create(CultureInfo.InvariantCulture, $"_:{kind}{map.Count + 1}");
        map[id] = record;
        return id;
    }

    public ProvDocument Build() => new(Prefixes, _entity, _activity, _agent, _wasGeneratedBy, _used, _wasDerivedFrom, _wasAssociatedWith, _wasAttributedTo);
}
