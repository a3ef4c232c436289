using System.Globalization;
using System.Text.Json;
using Npgsql;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Lineage;
using Provenance.Contracts.Prov;
using Provenance.Data.Datasets;
using Provenance.Data.Derived;
using Provenance.Data.Lineage;
using Provenance.Domain;
using Provenance.Domain.Lineage;

namespace Provenance.Data.Prov;

/// <summary>
/// What the registry knows about a document's lineage or a dataset version, as W3C PROV-JSON for research tooling.
/// The lineage is the same walk as <c>/ancestors</c>; the agents around it (crawlers that sighted a document, curators
/// who asserted its class, detectors whose scores counted a version's documents) are read here.
/// </summary>
public sealed class ProvQueries(NpgsqlDataSource dataSource, LineageQueries lineage, DatasetQueries datasets)
{
    /// <summary>The type of a derivation by <paramref name="relation"/>: an edit is PROV's own revision, the rest are the registry's.</summary>
    public static string DerivationType(string relation) =>
        relation == WireNames.Of(LineageRelation.EditedFrom) ? "prov:Revision" : "provenance:" + relation;

    public static string DocumentId(string contentHash) => ProvDocumentBuilder.Name("doc", contentHash);

    public static string GenerationId(string contentHash) => ProvDocumentBuilder.Name("act", "generation-" + contentHash);

    public static string GeneratorId(string generator) => ProvDocumentBuilder.Name("gen", generator);

    /// <summary>
    /// <paramref name="focus"/>'s ancestors within <paramref name="maxDepth"/> generations as PROV: documents are entities
    /// named by content hash; each document with parents or a generator was made by a generation activity, which used
    /// its parents and was associated with its generators; edges are derivations typed by their relation.
    /// </summary>
    public async Task<ProvDocument> DocumentAsync(long focus, int maxDepth, IReadOnlyCollection<LineageRelation> relations, CancellationToken ct)
    {
        var graph = await lineage.WalkAsync(focus, LineageDirection.Ancestors, maxDepth, relations, ct);
        var prov = new ProvDocumentBuilder();
        var byId = graph.Nodes.ToDictionary(n => n.Id);
        foreach (var node in graph.Nodes)
        {
            var entity = prov.Entity(DocumentId(node.ContentHash), "provenance:Document");
            entity["prov:label"] = string.Create(CultureInfo.InvariantCulture, $"document {node.Id}");
            entity["provenance:id"] = node.Id;
            entity["provenance:class"] = node.Class;
            if (node.Depth is { } depth)
            {
                entity["provenance:depth"] = depth;
            }
            entity["provenance:level"] = node.Level;
            if (node.Id == graph.Focus)
            {
                entity["provenance:focus"] = true;
                entity["provenance:truncated"] = graph.Truncated;
            }
        }
        var parentsOf = graph.Edges.ToLookup(e => e.Child);
        foreach (var node in graph.Nodes)
        {
            var edges = parentsOf[node.Id].ToList();
            if (edges.Count == 0 && node.Generator is null)
            {
                continue;
            }
            var document = DocumentId(node.ContentHash);
            var activity = GenerationId(node.ContentHash);
            var generation = prov.Activity(activity, "provenance:Generation");
            generation["prov:label"] = string.Create(CultureInfo.InvariantCulture, $"generation of document {node.Id}");
            var generated = prov.WasGeneratedBy(document, activity);
            foreach (var generator in edges.Select(e => e.Generator).Append(node.Generator).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                var agent = prov.Agent(GeneratorId(generator), "prov:SoftwareAgent");
                agent["prov:label"] = generator;
                agent["provenance:role"] = "generator";
                prov.WasAssociatedWith(activity, GeneratorId(generator), "provenance:generator");
            }
            if (node.Generator is { } writer)
            {
                prov.WasAttributedTo(document, GeneratorId(writer));
            }
            foreach (var edge in edges)
            {
                var parent = DocumentId(byId[edge.Parent].ContentHash);
                var usage = prov.Used(activity, parent, "provenance:" + edge.Relation);
                prov.WasDerivedFrom(document, parent, DerivationType(edge.Relation), activity, generated, usage);
            }
        }
        await AddPeopleAndCrawlersAsync(prov, byId.Values, ct);
        return prov.Build();
    }

    /// <summary>Crawlers that sighted the documents and curators who asserted their class, as agents they are attributed to.</summary>
    async Task AddPeopleAndCrawlersAsync(ProvDocumentBuilder prov, IEnumerable<LineageNodeResponse> nodes, CancellationToken ct)
    {
        var hashes = nodes.ToDictionary(n => n.Id, n => n.ContentHash);
        await using var cmd = dataSource.CreateCommand("""
            SELECT DISTINCT document_id, 'crawler', crawler FROM sightings WHERE document_id = ANY(@ids) AND crawler IS NOT NULL
            UNION
            SELECT DISTINCT document_id, 'curator', asserted_by FROM assertions WHERE document_id = ANY(@ids) AND kind = 'curator'
            ORDER BY 1, 2, 3
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. hashes.Keys]));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var crawler = reader.GetString(1) == "crawler";
            var name = reader.GetString(2);
            var id = ProvDocumentBuilder.Name(crawler ? "crawler" : "key", name);
            var agent = prov.Agent(id, crawler ? "prov:SoftwareAgent" : "prov:Person");
            agent["prov:label"] = name;
            agent["provenance:role"] = crawler ? "crawler" : "curator";
            prov.WasAttributedTo(DocumentId(hashes[reader.GetInt64(0)]), id);
        }
    }

    public static string VersionId(string versionRef) => ProvDocumentBuilder.Name("dataset", versionRef);

    public static string ManifestId(string manifestHash) => ProvDocumentBuilder.Name("manifest", manifestHash.Replace("sha256:", "", StringComparison.Ordinal));

    /// <summary>
    /// A dataset version as PROV: the version (and its manifest) generated by an assembly activity that used the spec and
    /// the base, derived from the base, associated with the key that asked for it and with the detectors whose scores
    /// counted documents of unknown provenance.
    /// </summary>
    public async Task<ProvDocument?> DatasetAsync(long versionId, CancellationToken ct)
    {
        if (await datasets.GetAsync(versionId, "stored", ct) is not { } v)
        {
            return null;
        }
        var prov = new ProvDocumentBuilder();
        var version = VersionId(v.Ref);
        var entity = prov.Entity(version, "provenance:DatasetVersion");
        entity["prov:label"] = v.Ref;
        entity["provenance:id"] = v.Id;
        entity["provenance:manifestHash"] = v.ManifestHash;
        entity["provenance:documents"] = v.Documents;
        entity["provenance:tokens"] = v.Tokens;
        entity["provenance:humanShare"] = v.HumanShare;
        var manifest = prov.Entity(ManifestId(v.ManifestHash), "provenance:Manifest");
        manifest["prov:label"] = string.Create(CultureInfo.InvariantCulture, $"manifest of {v.Ref}");
        manifest["provenance:format"] = v.Manifest.Format;

        var activity = ProvDocumentBuilder.Name("act", "assembly-" + v.Ref);
        var assembly = prov.Activity(activity, "provenance:Assembly");
        assembly["prov:label"] = string.Create(CultureInfo.InvariantCulture, $"assembly of {v.Ref}");
        assembly["prov:endTime"] = ProvDocumentBuilder.Time(v.CreatedAt);
        var generated = prov.WasGeneratedBy(version, activity, v.CreatedAt);
        prov.WasGeneratedBy(ManifestId(v.ManifestHash), activity, v.CreatedAt);

        var spec = ProvDocumentBuilder.Name("dataset", v.Ref + ".spec");
        var specEntity = prov.Entity(spec, "provenance:MixSpec");
        specEntity["prov:label"] = string.Create(CultureInfo.InvariantCulture, $"mix spec of {v.Ref}");
        specEntity["prov:value"] = JsonSerializer.Serialize(v.Manifest.Spec, JsonSerializerOptions.Web);
        prov.Used(activity, spec, "provenance:spec");

        if (v.Manifest.Base is { } b)
        {
            var baseRef = string.Create(CultureInfo.InvariantCulture, $"{b.Dataset}@{b.Version}");
            var baseVersion = VersionId(baseRef);
            var baseEntity = prov.Entity(baseVersion, "provenance:DatasetVersion");
            baseEntity["prov:label"] = baseRef;
            baseEntity["provenance:id"] = b.Id;
            baseEntity["provenance:manifestHash"] = b.ManifestHash;
            var usage = prov.Used(activity, baseVersion, "provenance:base");
            prov.WasDerivedFrom(version, baseVersion, "provenance:AccumulatedOn", activity, generated, usage);
        }

        var trainer = ProvDocumentBuilder.Name("key", v.RequestedBy);
        var agent = prov.Agent(trainer, "prov:Agent");
        agent["prov:label"] = v.RequestedBy;
        agent["provenance:role"] = "requester";
        prov.WasAssociatedWith(activity, trainer, "provenance:requester");
        prov.WasAttributedTo(version, trainer);

        if (v.Manifest.CollapseRisk.Accumulation.DetectorAdmitted > 0)
        {
            foreach (var model in await DetectorModelsAsync(v, ct))
            {
                var detector = ProvDocumentBuilder.Name("detector", model);
                var tool = prov.Agent(detector, "prov:SoftwareAgent");
                tool["prov:label"] = model;
                tool["provenance:role"] = "detector";
                prov.WasAssociatedWith(activity, detector, "provenance:detector");
            }
        }
        return prov.Build();
    }

    /// <summary>
    /// The detectors (a model's <c>name@version</c>, or <c>watermark:scheme</c>) whose verdict before the version was stored
    /// decided how a document of unknown provenance in it was counted: documents without a declaration or curator assertion of a known
    /// class by then, scored by a detector (the same rule the assembly reads scores by: a watermark found, otherwise the
    /// latest verdict; <see cref="DerivedState.WithinKindOrder"/>).
    /// </summary>
    /// <remarks>One pass over the version's documents; callers ask only when the manifest counts detector-admitted documents.</remarks>
    public async Task<IReadOnlyList<string>> DetectorModelsAsync(DatasetVersionResponse v, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT DISTINCT det.asserted_by
              FROM dataset_version_documents vd
             CROSS JOIN LATERAL (
                   SELECT a.asserted_by FROM assertions a
                    WHERE a.document_id = vd.document_id AND a.kind = 'detector' AND a.asserted_at <= @at
                    ORDER BY {DerivedState.WithinKindOrder}
                    LIMIT 1) det
             WHERE vd.version_id = @v
               AND NOT EXISTS (SELECT 1 FROM assertions o
                                WHERE o.document_id = vd.document_id AND o.kind <> 'detector' AND o.class <> 'unknown' AND o.asserted_at <= @at)
             ORDER BY 1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long>("v", v.Id));
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", v.CreatedAt));
        var models = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            models.Add(reader.GetString(0));
        }
        return models;
    }
}
