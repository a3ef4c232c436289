using System.Security.Cryptography;
using System.Text;
using Provenance.Contracts.Datasets;
using Provenance.Data.Datasets;
using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;

namespace Provenance.Data.Tests.Datasets;

/// <summary>
/// The canonical manifest's exact bytes and hash for a fixed manifest. Every stored version's <c>manifest_hash</c> is the
/// SHA-256 of these bytes, and anyone may check an exported manifest with sha256sum: if one of these values has to
/// change, every stored manifest hash changes with it (same-spec requests stop finding their earlier version, and
/// published hashes no longer verify), so that is a new manifest format, never a refactoring.
/// </summary>
public class ManifestFormatPinnedValueTests
{
    static readonly DatasetManifest Manifest = new(
        ManifestFormat.Format,
        "pinned-corpus",
        new DatasetSpec(
            "pinned-corpus",
            "pinned-corpus@3",
            new DatasetTarget(Tokens: 1_000_000),
            0.5,
            0.4,
            2,
            0.25,
            new UnknownDocumentsSpec("detector", 0.9, 0.8),
            new DatasetFilters(["en", "de"], ["cc-by-4.0"], ["example.org"],
                new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(2025, 6, 7, 8, 9, 10, 123, TimeSpan.Zero),
                ["human", "synthetic", "mixed"]),
            new NearDuplicatesSpec(0.85),
            true,
            42),
        new DatasetBaseReference(17, "pinned-corpus", 3, "sha256:" + new string('0', 62) + "ab"),
        new DatasetStats("tokens", 3, 1_234,
            [new ClassTally("human", 2, 1_000), new ClassTally("synthetic", 1, 234)],
            [new GeneratorTally("gpt-4o@2024-08-06", 1, 234), new GeneratorTally(null, 0, 0)],
            new SourceTallies(2, [new SourceTally("example.org", 2, 1_000), new SourceTally(null, 1, 234)], 0, 0),
            [new DepthTally(0, 2, 1_000), new DepthTally(1, 1, 234), new DepthTally(null, 0, 0)]),
        new CollapseRisk(
            1_000 / 1_234.0,
            234 / 1_234.0,
            0,
            0,
            new SyntheticDepth([new DepthTally(1, 1, 234)], 1.0, 1, 0),
            new GeneratorConcentration(1, "gpt-4o@2024-08-06", 1, 1, 0),
            new SourceCoverage(1, 4, 0.25, 1 / 3.0, [new Contracts.Datasets.DomainShare("bücher.example", 0.5, 1e-7)]),
            new AccumulationSummary(2, 1_000, 1, 234, 0.75, 1, 0),
            ["\"quoted\" <warning> & ünïcode – dash"]));

    static readonly IReadOnlyList<MixDocument> Documents =
    [
        Document(5, "first"),
        Document(-3, "second"),
        Document(long.MaxValue, "third"),
    ];

    /// <summary>Enough documents that hashing and writing flush their 64 KiB buffers several times.</summary>
    static readonly IReadOnlyList<MixDocument> Many = [.. Enumerable.Range(0, 5_000).Select(i => Document(i * 7_919L, $"document {i}"))];

    static MixDocument Document(long id, string text) => new(id, new ContentHash(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
        ProvenanceClass.Human, ProvenanceClass.Human, null, 0, 1, null);

    static async IAsyncEnumerable<(long Id, byte[] ContentHash)> Rows(IReadOnlyList<MixDocument> documents)
    {
        foreach (var d in documents)
        {
            await Task.Yield();
            yield return (d.Id, d.Hash.ToArray());
        }
    }

    // One member a line for reading; the canonical form has no line breaks.
    const string ExpectedHeader = """
        {"format":"provenance.dataset-manifest/1",
        "dataset":"pinned-corpus",
        "spec":{"dataset":"pinned-corpus","base":"pinned-corpus@3","target":{"documents":null,"tokens":1000000},"minHumanShare":0.5,"maxSyntheticShare":0.4,"maxDepth":2,"maxGeneratorShare":0.25,"unknown":{"admit":"detector","humanAtLeast":0.9,"syntheticAtLeast":0.8},"filters":{"languages":["en","de"],"licences":["cc-by-4.0"],"sourceDomains":["example.org"],"firstSeenFrom":"2024-01-02T03:04:05+00:00","firstSeenBefore":"2025-06-07T08:09:10.123+00:00","classes":["human","synthetic","mixed"]},"nearDuplicates":{"threshold":0.85},"requireAnchors":true,"seed":42},
        "base":{"id":17,"dataset":"pinned-corpus","version":3,"manifestHash":"sha256:00000000000000000000000000000000000000000000000000000000000000ab"},
        "stats":{"unit":"tokens","documents":3,"tokens":1234,"byClass":[{"class":"human","documents":2,"tokens":1000},{"class":"synthetic","documents":1,"tokens":234}],"byGenerator":[{"generator":"gpt-4o@2024-08-06","documents":1,"tokens":234},{"generator":null,"documents":0,"tokens":0}],"bySource":{"distinct":2,"top":[{"domain":"example.org","documents":2,"tokens":1000},{"domain":null,"documents":1,"tokens":234}],"otherDocuments":0,"otherTokens":0},"byDepth":[{"depth":0,"documents":2,"tokens":1000},{"depth":1,"documents":1,"tokens":234},{"depth":null,"documents":0,"tokens":0}]},
        "collapseRisk":{"humanShare":0.8103727714748784,"syntheticShare":0.18962722852512157,"mixedShare":0,"unknownShare":0,"syntheticDepth":{"histogram":[{"depth":1,"documents":1,"tokens":234}],"mean":1,"max":1,"recursiveShare":0},"generatorConcentration":{"generators":1,"topGenerator":"gpt-4o@2024-08-06","topShare":1,"hhi":1,"unattributedDocuments":0},"sourceCoverage":{"mixDomains":1,"registryDomains":4,"coverage":0.25,"totalVariation":0.3333333333333333,"top":[{"domain":"bücher.example","mixShare":0.5,"registryShare":1E-07}]},"accumulation":{"baseDocuments":2,"baseTokens":1000,"addedDocuments":1,"addedTokens":234,"baseHumanShare":0.75,"baseReclassified":1,"detectorAdmitted":0},"warnings":["\"quoted\" <warning> & ünïcode – dash"]}}
        """;

    const string ExpectedDocuments = """
        ,"documents":[[5,"a7937b64b8caa58f03721bb6bacf5c78cb235febe0e70b1b84cd99541461a08e"],
        [-3,"16367aacb67a4a017c8da8ab95682ccb390863780f7114dda0a0e0c55644c7c4"],
        [9223372036854775807,"b1e99324505bd32da0e1f85dcf5e19a09db0481e8a15f62c41eb320304a8e927"]]}
        """;

    [Fact]
    public void AFixedManifestSerializesToExactBytes()
    {
        var header = ManifestFormat.Header(Manifest);

        Assert.Equal(ExpectedHeader.ReplaceLineEndings(""), Encoding.UTF8.GetString(header));
    }

    [Fact]
    public async Task AFixedManifestWithItsDocumentsIsWrittenAsExactBytes()
    {
        using var output = new MemoryStream();

        await ManifestFormat.WriteAsync(output, ManifestFormat.Header(Manifest), Rows(Documents), CancellationToken.None);

        var expected = ExpectedHeader.ReplaceLineEndings("")[..^1] + ExpectedDocuments.ReplaceLineEndings("");
        Assert.Equal(expected, Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void AFixedManifestHasAnExactHash()
    {
        var hash = ManifestFormat.Hash(ManifestFormat.Header(Manifest), Documents);

        Assert.Equal("sha256:23c07352d987e79e2beb54ebd6debf91973e379e1ac3ad1ed446f148d6ed9cbc", ManifestFormat.ToText(hash));
    }

    [Fact]
    public async Task AFixedManifestOfManyDocumentsHasAnExactHashAndItIsTheHashOfTheWrittenBytes()
    {
        var header = ManifestFormat.Header(Manifest);
        using var output = new MemoryStream();

        var hash = ManifestFormat.Hash(header, Many);
        await ManifestFormat.WriteAsync(output, header, Rows(Many), CancellationToken.None);

        Assert.Equal("sha256:ab9cfa56c68335043304e4ab4654a3d932721a833bcc8b5c39e82e4c5664c7ec", ManifestFormat.ToText(hash));
        Assert.Equal(hash, SHA256.HashData(output.ToArray()));
    }
}
