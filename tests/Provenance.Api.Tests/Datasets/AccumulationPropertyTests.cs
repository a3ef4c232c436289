using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Lineage;
using Provenance.Domain.Datasets;
using Provenance.Testing;

namespace Provenance.Api.Tests.Datasets;

/// <summary>
/// For generated registries (classes, generators, lineage, near-copies) and generated specs, through the API: a
/// version holds no content twice and meets its spec (human floor, synthetic and generator caps, depth, anchors,
/// near-duplicates); it is the same whenever it is assembled again; and a version on a base holds the whole base,
/// in the base's order, before anything it adds. A refused spec writes nothing and says what is missing.
/// </summary>
public class AccumulationPropertyTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    /// <param name="Parent">An earlier node this one derives from, or -1.</param>
    /// <param name="CopyOf">An earlier node whose text this one repeats with one word changed, or -1.</param>
    public sealed record Node(string Class, int Generator, int Parent, int CopyOf, int Words)
    {
        public override string ToString() => $"{Class}/g{Generator}/p{Parent}/c{CopyOf}/w{Words}";
    }

    public sealed record Scenario(
        Node[] Nodes, bool Tokens, int Target1Percent, int Extra2Percent, double MinHuman1, double MinHuman2, double? MaxSynthetic, int? MaxDepth,
        double? MaxGenerator, bool RequireAnchors, double? NearDuplicates, string?[]? Classes2, long Seed)
    {
        public override string ToString() =>
            $"nodes [{string.Join(" ", Nodes.Select((n, i) => $"{i}:{n}"))}] tokens {Tokens} target1 {Target1Percent}% extra2 {Extra2Percent}% minHuman {MinHuman1}/{MinHuman2} "
            + $"maxSynthetic {MaxSynthetic} maxDepth {MaxDepth} maxGenerator {MaxGenerator} anchors {RequireAnchors} near {NearDuplicates} classes2 [{string.Join(",", Classes2 ?? [])}] seed {Seed}";
    }

    static readonly Gen<Scenario> Scenarios =
        from n in Gen.Choose(4, 36)
        from nodes in Gen.CollectToArray(Enumerable.Range(0, n), i =>
            from cls in Gen.Elements("human", "human", "human", "human", "synthetic", "synthetic", "synthetic", "mixed", "unknown")
            from generator in Gen.Choose(1, 3)
            from parent in i == 0 || cls is "human" or "unknown" ? Gen.Constant(-1) : Gen.Choose(-1, i - 1)
            from copy in i == 0 ? Gen.Constant(-1) : Gen.Frequency((4, Gen.Constant(-1)), (1, Gen.Choose(0, i - 1)))
            from words in Gen.Choose(8, 60)
            select new Node(cls, generator, parent, copy, words))
        from tokens in Gen.Elements(false, false, true)
        from target1 in Gen.Choose(10, 110)
        from extra2 in Gen.Choose(0, 60)
        from minHuman1 in Gen.Elements(0.3, 0.5, 0.6, 0.7, 0.8)
        from minHuman2 in Gen.Elements(0.2, 0.4, 0.5, 0.6, 0.7)
        from maxSynthetic in Gen.Elements<double?>(null, null, 0.2, 0.4)
        from maxDepth in Gen.Elements<int?>(null, null, 1, 2)
        from maxGenerator in Gen.Elements<double?>(null, null, 0.15, 0.3)
        from anchors in Gen.Elements(false, false, true)
        from near in Gen.Elements<double?>(null, null, 0.6, 0.8)
        from classes2 in Gen.Elements<string?[]?>(null, ["synthetic"], ["synthetic", "mixed"])
        from seed in Gen.Choose(0, 1000)
        select new Scenario(nodes, tokens, target1, extra2, minHuman1, minHuman2, maxSynthetic, maxDepth, maxGenerator, anchors, near, classes2, seed);

    [Fact]
    public void VersionsAccumulateMeetTheirSpecAndAreReproducible()
    {
        var crawler = registry.Client("crawler");
        var trainer = registry.Client("trainer");

        Properties.Check(Scenarios, s => CheckAsync(crawler, trainer, s).GetAwaiter().GetResult(), maxTest: 30);
    }

    async Task<bool> CheckAsync(HttpClient crawler, HttpClient trainer, Scenario s)
    {
        var run = Guid.NewGuid().ToString("N");
        var domain = $"p{run}.test";
        var dataset = $"p{run}";
        var texts = new string[s.Nodes.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            var node = s.Nodes[i];
            texts[i] = node.CopyOf >= 0
                ? texts[node.CopyOf][..texts[node.CopyOf].LastIndexOf(' ')] + $" changed{i}"
                : $"run {run} node {i}: " + string.Join(" ", Enumerable.Range(0, node.Words).Select(w => $"w{(i * 7919 + w * 104729) % 5003}"));
        }
        var requests = s.Nodes.Select((node, i) => new RegisterDocumentRequest(texts[i], $"https://{domain}/{i}",
            Declared: new DeclaredProvenanceRequest(node.Class, node.Class is "synthetic" or "mixed" ? $"gen-{run[..8]}-{node.Generator}@1" : null),
            Parents: node.Parent >= 0 ? [new ParentReferenceRequest(ContentHash: TestDocuments.HashOf(texts[node.Parent]), Relation: "generated_from")] : null)).ToList();
        (await crawler.PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest(requests))).EnsureSuccessStatusCode();
        var registryTokens = 0L;
        foreach (var hash in texts.Select(TestDocuments.HashOf).Distinct())
        {
            registryTokens += (await trainer.GetJsonAsync<DocumentResponse>($"/v1/documents/{hash}")).TokenCount;
        }

        long Target(int percent) => Math.Max(1, (s.Tokens ? registryTokens : s.Nodes.Length) * percent / 100);
        var spec1 = new DatasetSpec(dataset, Target: s.Tokens ? new DatasetTarget(Tokens: Target(s.Target1Percent)) : new DatasetTarget(Documents: Target(s.Target1Percent)),
            MinHumanShare: s.MinHuman1, MaxSyntheticShare: s.MaxSynthetic, MaxDepth: s.MaxDepth, MaxGeneratorShare: s.MaxGenerator,
            Filters: new DatasetFilters(SourceDomains: [domain]), NearDuplicates: s.NearDuplicates is { } t ? new NearDuplicatesSpec(t) : null,
            RequireAnchors: s.RequireAnchors, Seed: s.Seed);
        var v1 = await AssembleAndCheckAsync(trainer, spec1, null);
        if (v1 is null)
        {
            return true;
        }
        var target2 = s.Tokens ? v1.Value.Version.Tokens + Target(s.Extra2Percent) : v1.Value.Version.Documents + Target(s.Extra2Percent) - 1;
        var spec2 = spec1 with
        {
            Base = v1.Value.Version.Ref,
            Target = s.Tokens ? new DatasetTarget(Tokens: target2) : new DatasetTarget(Documents: target2),
            MinHumanShare = s.MinHuman2,
            Filters = spec1.Filters! with { Classes = s.Classes2 },
            Seed = s.Seed + 1,
        };
        var v2 = await AssembleAndCheckAsync(trainer, spec2, v1.Value.Documents);
        return v2 is null || v2.Value.Version.Manifest.Base!.ManifestHash == v1.Value.Version.ManifestHash;
    }

    /// <summary>Assembles <paramref name="spec"/> and checks the version; null when it was (rightly) refused.</summary>
    async Task<(DatasetVersionResponse Version, List<DatasetDocument> Documents)?> AssembleAndCheckAsync(
        HttpClient trainer, DatasetSpec spec, List<DatasetDocument>? baseDocuments)
    {
        var preview = await trainer.PostAsJsonAsync("/v1/datasets?dryRun=true", spec);
        var response = await trainer.PostAsJsonAsync("/v1/datasets", spec);
        if (response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
            Check(problem.GetProperty("shortfalls").GetArrayLength() > 0, "a refusal names its shortfalls");
            Check(await registry.ScalarAsync<long>("SELECT count(*) FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = @n",
                ("n", spec.Dataset!)) == (baseDocuments is null ? 0 : 1), "a refusal writes nothing");
            Check(preview.StatusCode == HttpStatusCode.UnprocessableEntity, "a dry run refuses what the real run refuses");
            return null;
        }
        Check(response.StatusCode == HttpStatusCode.Created, $"created: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var version = (await response.Content.ReadFromJsonAsync<DatasetVersionResponse>())!;
        var docs = await trainer.DocumentsAsync(version.Ref);
        var manifest = await trainer.GetByteArrayAsync($"/v1/datasets/{version.Id}/manifest");
        MixSpecValidator.TryValidate(new MixSpecDraft(spec.Dataset, TargetDocuments: 1, MinHumanShare: spec.MinHumanShare, MaxSyntheticShare: spec.MaxSyntheticShare), out var shares, out _);

        Check((await preview.Content.ReadFromJsonAsync<DatasetPreviewResponse>())!.ManifestHash == version.ManifestHash, "a dry run gives the stored manifest hash");
        Check("sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)) == version.ManifestHash, "the manifest hashes to its manifest hash");
        Check(JsonDocument.Parse(manifest).RootElement.GetProperty("documents").GetArrayLength() == docs.Count, "the manifest lists every document");
        Check(docs.Select(d => d.ContentHash).Distinct().Count() == docs.Count, "no content twice");
        long Weight(DatasetDocument d) => spec.Target!.Tokens is null ? 1 : d.Tokens;
        var total = docs.Sum(Weight);
        Check(spec.Target!.Tokens is { } t ? total >= t : total == spec.Target.Documents, "the target is reached");
        Check(docs.Where(d => d.CountedAs == "human").Sum(Weight) >= shares.MinHumanShare * total, "the human share holds");
        Check(docs.Where(d => d.CountedAs == "synthetic").Sum(Weight) <= shares.MaxSyntheticShare * total, "the synthetic share holds");
        if (spec.MaxGeneratorShare is { } cap)
        {
            Check(docs.Where(d => d.CountedAs is "synthetic" or "mixed").GroupBy(d => d.Generator).All(g => g.Sum(Weight) <= (decimal)cap * total), "generator caps hold");
        }
        var baseCount = baseDocuments?.Count ?? 0;
        var added = docs.Skip(baseCount).ToList();
        Check(baseDocuments is null || docs.Take(baseCount).Select(d => d.Id).SequenceEqual(baseDocuments.Select(d => d.Id)), "the base comes first, whole and in order");
        Check(added.All(d => spec.Filters!.Classes is null || spec.Filters.Classes.Contains(d.CountedAs)), "added documents are of allowed classes");
        if (spec.MaxDepth is { } max)
        {
            Check(added.Where(d => d.CountedAs is "synthetic" or "mixed").All(d => d.Depth <= max), "added documents are within maxDepth");
        }
        if (spec.RequireAnchors == true)
        {
            var ids = docs.Select(d => d.Id).ToHashSet();
            foreach (var d in added.Where(d => d.CountedAs is "synthetic" or "mixed"))
            {
                var roots = await trainer.GetJsonAsync<RootsResponse>($"/v1/documents/{d.Id}/roots");
                Check(roots.Roots.Any(r => ids.Contains(r.Id)), $"document {d.Id} has a human root in the version");
            }
        }
        if (spec.NearDuplicates?.Threshold is { } threshold)
        {
            var signatures = docs.Select(d => MinHash.Signature(d.Text!)).ToList();
            for (var i = baseCount; i < docs.Count; i++)
            {
                Check(Enumerable.Range(0, i).All(j => MinHash.Similarity(signatures[j], signatures[i]) < threshold - 1e-9), $"document {docs[i].Id} is no near-duplicate");
            }
        }
        return (version, docs);
    }

    static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"violated: {what}");
        }
    }
}
