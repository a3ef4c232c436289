using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Provenance.Client;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Ingestion;

namespace Provenance.Lab.Collapse;

/// <summary>
/// Trains models recursively on their own output, through the registry (Shumailov et al., Nature 2024; Gerstgrasser et
/// al., 2024, "Is Model Collapse Inevitable?"). The human pool is registered as human; every generation's model is
/// trained on exactly the texts of a dataset version, writes samples that are registered as synthetic with a
/// generated_from edge to their prompt document, and the next version is assembled by the registry from a spec per
/// policy: replace (the samples alone), accumulate (the previous version plus the samples) or anchored (accumulate
/// under a minimum human share, which the registry enforces). Each model is measured on a human test set that is never
/// registered.
/// </summary>
public sealed class CollapseLab(LabRegistry registry, CollapseSettings settings, IProgress<string>? progress = null)
{
    public async Task<CollapseResult> RunAsync(HumanCorpus corpus, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var crawledAt = DateTimeOffset.UtcNow;
        var humans = corpus.Pool.Select((text, i) => new IncomingDocument(text, $"https://{settings.HumanDomain}/{i}", crawledAt,
            Declared: new DeclaredProvenanceMessage("human"))).ToList();
        var (created, seconds) = await registry.RegisterAsync(humans, ct);
        progress?.Report(FormattableString.Invariant($"registered the human pool: {humans.Count:N0} documents ({created:N0} new) in {seconds:F1} s"));
        var lengths = corpus.Pool.Select(t => WordTokenizer.Split(t).Count).ToArray();
        var testTokens = corpus.Test.Sum(t => WordTokenizer.Split(t).Count + 1L);

        var rows = new List<GenerationResult>();
        var chains = new List<PolicyChain>();
        foreach (var policy in settings.Policies)
        {
            var (policyRows, chain) = await RunPolicyAsync(policy, corpus, lengths, ct);
            rows.AddRange(policyRows);
            chains.Add(chain);
        }
        return new CollapseResult(settings, corpus.Pool.Count, corpus.Test.Count, testTokens, rows, chains, registry.Load, wall.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The seed of a policy's stream of draws: the same in every process (<see cref="HashCode"/> is seeded per
    /// process, so a run's samples, and its figures, would differ from one run to the next).
    /// </summary>
    internal static int PolicySeed(int seed, CollapsePolicy policy) => unchecked((seed * 397) ^ (((int)policy + 1) * 7919));

    async Task<(List<GenerationResult>, PolicyChain)> RunPolicyAsync(CollapsePolicy policy, HumanCorpus corpus, int[] lengths, CancellationToken ct)
    {
        var name = CollapseSettings.Name(policy);
        var dataset = $"{settings.Dataset}-{name}";
        // One stream of draws per policy, so that the policies' samples differ (the registry would otherwise merge equal texts).
        var random = new Random(PolicySeed(settings.Seed, policy));
        var rows = new List<GenerationResult>();

        var clock = Stopwatch.StartNew();
        var version = await registry.AssembleAsync(new DatasetSpec(dataset,
            Target: new DatasetTarget(Documents: corpus.Pool.Count), MinHumanShare: 1,
            Filters: new DatasetFilters(SourceDomains: [settings.HumanDomain], Classes: ["human"]), Seed: settings.Seed), ct);
        var assembleSeconds = clock.Elapsed.TotalSeconds;
        var training = await registry.DocumentsAsync(version.Ref, ct);
        var (model, trainSeconds) = Train(training);
        rows.Add(Measure(policy, 0, version, model, corpus, training.Select(d => d.Text!), 0, null, 0, assembleSeconds, trainSeconds));

        for (var generation = 1; generation <= settings.Generations; generation++)
        {
            var generator = CollapseSettings.Generator(policy, generation);
            var samples = Generate(model, training, lengths, generator, random);
            var (created, registerSeconds) = await registry.RegisterAsync(samples, ct);
            clock.Restart();
            var (next, refused) = await AssembleAsync(policy, dataset, version, generator, created, ct);
            assembleSeconds = clock.Elapsed.TotalSeconds;
            version = next;
            training = await registry.DocumentsAsync(version.Ref, ct);
            (model, trainSeconds) = Train(training);
            var row = Measure(policy, generation, version, model, corpus, samples.Select(s => s.Text), samples.Count, refused, registerSeconds,
                assembleSeconds, trainSeconds);
            rows.Add(row);
            progress?.Report(FormattableString.Invariant(
                $"{name} g{generation}: {version.Ref} {version.Documents:N0} documents, {row.CrossEntropy:F2} bits/token, human share {row.HumanShare:P0}{(refused is null ? "" : " (capped by the registry)")}"));
        }
        return (rows, await ChainAsync(name, version, training, ct));
    }

    /// <summary>
    /// The policy's next version. Anchored asks for every new sample, as accumulate does; when the human floor makes
    /// that impossible the registry refuses with advice, and the version takes the largest target the advice says works.
    /// </summary>
    async Task<(DatasetVersionResponse Version, string? Refused)> AssembleAsync(CollapsePolicy policy, string dataset, DatasetVersionResponse previous,
        string generator, int created, CancellationToken ct)
    {
        var filters = new DatasetFilters(Classes: ["synthetic"], Generators: [generator]);
        var spec = policy switch
        {
            CollapsePolicy.Replace => new DatasetSpec(dataset, Target: new DatasetTarget(Documents: created), MinHumanShare: 0, Filters: filters, Seed: settings.Seed),
            CollapsePolicy.Accumulate => new DatasetSpec(dataset, Base: previous.Ref, Target: new DatasetTarget(Documents: previous.Documents + created),
                MinHumanShare: 0, Filters: filters, Seed: settings.Seed),
            _ => new DatasetSpec(dataset, Base: previous.Ref, Target: new DatasetTarget(Documents: previous.Documents + created),
                MinHumanShare: settings.AnchorShare, Filters: filters, Seed: settings.Seed),
        };
        try
        {
            return (await registry.AssembleAsync(spec, ct), null);
        }
        catch (ProvenanceApiException e) when (policy == CollapsePolicy.Anchored && e.Status == HttpStatusCode.UnprocessableEntity
            && e.Code == "infeasible_mix" && LargestAdvisedTarget(e.Problem) is { } target && target >= previous.Documents)
        {
            var capped = await registry.AssembleAsync(spec with { Target = new DatasetTarget(Documents: target) }, ct);
            return (capped, e.Detail);
        }
    }

    /// <summary>The largest target the refusal's advice says would be met.</summary>
    static long? LargestAdvisedTarget(JsonElement? problem)
    {
        if (problem is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty("shortfalls", out var shortfalls) || shortfalls.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        long? best = null;
        foreach (var shortfall in shortfalls.EnumerateArray())
        {
            if (!shortfall.TryGetProperty("suggestions", out var suggestions) || suggestions.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var suggestion in suggestions.EnumerateArray())
            {
                var upTo = Number(suggestion, "targetUpTo") ?? Number(suggestion, "target");
                if (upTo is { } t && (best is null || t > best))
                {
                    best = t;
                }
            }
        }
        return best;

        static long? Number(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
    }

    List<IncomingDocument> Generate(KneserNeyModel model, List<DatasetDocument> training, int[] lengths, string generator, Random random)
    {
        var crawledAt = DateTimeOffset.UtcNow;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<IncomingDocument>(settings.Samples);
        // A repeated text would be one registry document with two generators' claims; draw again instead (rarely needed).
        for (var attempts = 0; samples.Count < settings.Samples && attempts < settings.Samples * 2; attempts++)
        {
            var prompt = training[random.Next(training.Count)];
            var words = WordTokenizer.Split(prompt.Text!);
            var text = model.Generate(words.Take(settings.PromptWords).ToList(), lengths[random.Next(lengths.Length)], random);
            if (seen.Add(text))
            {
                samples.Add(new IncomingDocument(text, null, crawledAt,
                    Declared: new DeclaredProvenanceMessage("synthetic", generator),
                    Parents: [new ParentReferenceMessage(prompt.Id, null, "generated_from", generator)]));
            }
        }
        return samples;
    }

    (KneserNeyModel Model, double Seconds) Train(List<DatasetDocument> documents)
    {
        var clock = Stopwatch.StartNew();
        var model = KneserNeyModel.Train(documents.Select(d => d.Text!), settings.Order);
        return (model, clock.Elapsed.TotalSeconds);
    }

    static GenerationResult Measure(CollapsePolicy policy, int generation, DatasetVersionResponse version, KneserNeyModel model, HumanCorpus corpus,
        IEnumerable<string> added, int samples, string? refused, double registerSeconds, double assembleSeconds, double trainSeconds)
    {
        var (bits, _, unseen) = model.Evaluate(corpus.Test);
        var texts = added.ToList();
        var risk = version.Manifest.CollapseRisk;
        return new GenerationResult(CollapseSettings.Name(policy), generation, version.Ref, version.Base, version.Documents, bits, unseen,
            TextMetrics.DistinctN(texts, 1), TextMetrics.DistinctN(texts, 2), samples, version.Manifest.Stats.Documents - risk.Accumulation.BaseDocuments,
            risk.HumanShare, risk.SyntheticDepth.Max, risk.SyntheticDepth.Mean, risk.Warnings, refused, registerSeconds, assembleSeconds, trainSeconds);
    }

    /// <summary>The chain the registry reports for the policy's last version, and the ancestor walk of its deepest document.</summary>
    async Task<PolicyChain> ChainAsync(string policy, DatasetVersionResponse last, List<DatasetDocument> documents, CancellationToken ct)
    {
        var chain = await registry.Client.DatasetChainAsync(last.Ref, ct);
        var deepest = documents.Where(d => d.Depth is not null).MaxBy(d => d.Depth);
        if (deepest is null)
        {
            return new PolicyChain(policy, last.Ref, chain.Count, null, null, 0, false);
        }
        var ancestors = await registry.Client.AncestorsAsync(deepest.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            maxDepth: (deepest.Depth ?? 0) + 1, ct: ct);
        var levels = ancestors.Nodes.Count == 0 ? 0 : -ancestors.Nodes.Min(n => n.Level);
        return new PolicyChain(policy, last.Ref, chain.Count, deepest.Id, deepest.Depth, levels, ancestors.Nodes.Any(n => n.Class == "human"));
    }
}
