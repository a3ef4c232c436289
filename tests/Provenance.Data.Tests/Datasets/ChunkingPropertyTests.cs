using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Provenance.Contracts.Datasets;
using Provenance.Data.Assertions;
using Provenance.Data.Datasets;
using Provenance.Domain.Assertions;
using Provenance.Testing;

namespace Provenance.Data.Tests.Datasets;

/// <summary>
/// The assembler reads candidates a chunk at a time, from the seed's start key to the end of the key space and then
/// from its beginning, reading the next chunk while the selector works: none of that may change what a version holds.
/// Tiny chunks make every spec cross many chunk boundaries and the wrap-around; the manifest must be the same.
/// </summary>
public class ChunkingPropertyTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    public sealed record Case(int Seed, bool Tokens, double MinHuman, double? MaxGenerator, bool Anchors, bool Near, bool Detector, int Chunk, int TargetPercent)
    {
        public override string ToString() => $"seed {Seed} tokens {Tokens} minHuman {MinHuman} maxGenerator {MaxGenerator} anchors {Anchors} near {Near} detector {Detector} chunk {Chunk} target {TargetPercent}%";
    }

    static readonly Gen<Case> Cases =
        from seed in Gen.Choose(0, 10_000)
        from tokens in Gen.Elements(false, true)
        from minHuman in Gen.Elements(0.3, 0.5, 0.7)
        from maxGenerator in Gen.Elements<double?>(null, 0.2)
        from anchors in Gen.Elements(false, true)
        from near in Gen.Elements(false, true)
        from detector in Gen.Elements(false, true)
        from chunk in Gen.Choose(1, 9)
        from target in Gen.Choose(10, 90)
        select new Case(seed, tokens, minHuman, maxGenerator, anchors, near, detector, chunk, target);

    [Fact]
    public async Task TheChunkSizeNeverChangesWhatAVersionHolds()
    {
        var crawler = registry.Client("crawler");
        var domain = DatasetRequests.NewDomain();
        var humans = await crawler.RegisterAsync(domain, "human", 40, text: i => $"human text {i} of {domain}: " + string.Join(" ", Enumerable.Range(0, 12 + i % 9).Select(w => $"w{(i * 31 + w) % 97}")));
        await crawler.RegisterAsync(domain, "synthetic", 25, "chunk-a@1", i => [new(humans[i].Id, Relation: "paraphrase_of")]);
        await crawler.RegisterAsync(domain, "synthetic", 10, "chunk-b@1");
        await crawler.RegisterAsync(domain, "mixed", 10, "chunk-a@1", i => [new(humans[i + 20].Id, Relation: "edited_from")]);
        var unknown = await crawler.RegisterAsync(domain, "unknown", 10);
        await registry.GetService<AssertionWriter>().AppendAsync([.. unknown.Select((d, i) => new NewAssertion(d.Id, AssertionKind.Detector, "detector@1",
            ProvenanceClass.Human, 0.5, EvidenceJson: $$"""{"p_human": {{(i % 2 == 0 ? 0.99 : 0.01)}}}"""))], CancellationToken.None);
        var dataSource = registry.GetService<NpgsqlDataSource>();
        var queries = registry.GetService<DatasetQueries>();
        var standard = registry.GetService<DatasetAssembler>();
        var totalTokens = await registry.ScalarAsync<long>("SELECT sum(token_count)::bigint FROM documents WHERE source_domain = @d", ("d", domain));

        Properties.Check(Cases, c =>
        {
            var target = c.Tokens ? new DatasetTarget(Tokens: totalTokens * c.TargetPercent / 100) : new DatasetTarget(Documents: 95 * c.TargetPercent / 100);
            var spec = new DatasetSpec("chunks", Target: target, MinHumanShare: c.MinHuman, MaxGeneratorShare: c.MaxGenerator,
                Unknown: c.Detector ? new UnknownDocumentsSpec("detector") : null, Filters: new DatasetFilters(SourceDomains: [domain]),
                NearDuplicates: c.Near ? new NearDuplicatesSpec(0.6) : null, RequireAnchors: c.Anchors, Seed: c.Seed);
            var chunked = new DatasetAssembler(dataSource, queries, NullLogger<DatasetAssembler>.Instance) { ChunkSize = c.Chunk };

            var expected = standard.PreviewAsync(spec, CancellationToken.None).GetAwaiter().GetResult();
            var actual = chunked.PreviewAsync(spec, CancellationToken.None).GetAwaiter().GetResult();

            return (expected, actual) switch
            {
                (AssemblyPreviewed e, AssemblyPreviewed a) => e.Preview.ManifestHash == a.Preview.ManifestHash,
                // A refusal refuses whatever the chunks, for the same first reason and shortfall. Its secondary
                // diagnostics (how many documents a cap turned away) count what was read, which chunking can change.
                (AssemblyRefused e, AssemblyRefused a) => e.Code == a.Code && (e.Shortfalls.Count == 0) == (a.Shortfalls.Count == 0)
                    && (e.Shortfalls.Count == 0 || (e.Shortfalls[0].Constraint, e.Shortfalls[0].Missing) == (a.Shortfalls[0].Constraint, a.Shortfalls[0].Missing)),
                _ => false,
            };
        }, maxTest: 60);
    }
}
