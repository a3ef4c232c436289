using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Provenance.Data.Registration;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;
using Provenance.Testing;

namespace Provenance.Data.Tests.Registration;

/// <summary>
/// New documents without lineage take the registration writer's direct COPY path; everything else goes through the
/// staged merge. Both must store exactly the same rows, and concurrent writers of the same new texts must not
/// create a document twice.
/// </summary>
public class DirectCopyTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    static readonly DateTimeOffset Crawled = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    RegistrationWriter Writer(bool direct) => new(registry.GetService<NpgsqlDataSource>(), new SubmissionLimits(), TimeProvider.System,
        NullLogger<RegistrationWriter>.Instance) { DirectCopyOfNewDocuments = direct };

    static List<DocumentSubmission> Varied(string tag) =>
    [
        new($"{tag} a human essay on river ecology.", "https://WWW.Rivers.example./essay?x=1", Crawled, "crawler-a",
            new DeclaredProvenance("human", Confidence: 0.9), Language: "en", Licence: "CC-BY-4.0"),
        new($"{tag} a synthetic summary of the essay.", "http://news.example:8080/s", Crawled.AddHours(1), null,
            new DeclaredProvenance("synthetic", "gpt-4o@2024-08-06")),
        new($"{tag} an image caption made by a model.", "https://img.example/c", Crawled,
            Declared: new DeclaredProvenance(DigitalSourceType: "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")),
        new($"{tag} a mixed text, partly edited by a model.", null, Crawled, Declared: new DeclaredProvenance("mixed", "llama@3.1")),
        new($"{tag} a page of unknown origin.", "https://www.example.org", null),
        new($"{tag} declared unknown on purpose.", "ftp://files.example/x", Crawled, Declared: new DeclaredProvenance("unknown")),
    ];

    const string RowsSql = """
        SELECT string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', d.char_count, d.language, d.licence,
                   CASE WHEN d.first_seen < '2026-03-05' THEN d.first_seen::text ELSE 'now' END,
                   CASE WHEN d.last_seen < '2026-03-05' THEN d.last_seen::text ELSE 'now' END,
                   d.class, g.name, d.depth, d.source_domain, d.decided_by, s.uri, s.crawler)
               || coalesce((SELECT string_agg(format('/%s %s %s %s %s %s', a.kind, a.asserted_by, a.class, a.confidence, ag.name, a.evidence), '')
                              FROM assertions a LEFT JOIN generators ag ON ag.id = a.generator_id WHERE a.document_id = d.id), '')
               || (SELECT t.text FROM document_texts t WHERE t.document_id = d.id),
               E'\n' ORDER BY (SELECT substr(t.text, 17) FROM document_texts t WHERE t.document_id = d.id))
          FROM documents d JOIN sightings s ON s.document_id = d.id LEFT JOIN generators g ON g.id = d.generator_id
         WHERE d.content_hash = ANY(@h)
        """;

    /// <summary>Everything stored for these documents except ids, hashes and token counts (which depend on the tag).</summary>
    async Task<string> RowsAsync(IEnumerable<RegistrationResult> results)
    {
        var hashes = results.Select(r => r.Hash!.Value.ToArray()).ToArray();
        return (await registry.ScalarAsync<string>(RowsSql, ("h", hashes)))
            .Replace("direct-", "X-", StringComparison.Ordinal).Replace("merged-", "X-", StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDirectPathStoresWhatTheMergeStores()
    {
        // Tags of one length, so that texts, counts and ordering match once the tag is masked.
        var run = Guid.NewGuid().ToString("N")[..8];
        var direct = await Writer(direct: true).RegisterAsync(Varied($"direct-{run}"), "key-a", default);
        var merged = await Writer(direct: false).RegisterAsync(Varied($"merged-{run}"), "key-a", default);

        Assert.All(direct.Concat(merged), r => Assert.Equal(RegistrationStatus.Created, r.Status));
        Assert.Equal(merged.Select(r => (r.Class, r.Depth, r.PendingParents)), direct.Select(r => (r.Class, r.Depth, r.PendingParents)));
        var directRows = await RowsAsync(direct);
        Assert.Equal(await RowsAsync(merged), directRows);
        Assert.Contains("rivers.example", directRows, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritersRacingOnTheSameNewTextsCreateEachDocumentOnce()
    {
        var texts = Enumerable.Range(0, 2_000).Select(i => TestDocuments.UniqueText($"race {i}")).ToList();
        List<DocumentSubmission> Batch(string site) => [.. texts.Select((t, i) => new DocumentSubmission(t, $"https://{site}.example/{i}", Crawled))];

        var runs = await Task.WhenAll(
            Task.Run(() => Writer(direct: true).RegisterAsync(Batch("one"), "crawler-one", default)),
            Task.Run(() => Writer(direct: true).RegisterAsync(Batch("two"), "crawler-two", default)),
            Task.Run(() => Writer(direct: true).RegisterAsync(Batch("three"), "crawler-three", default)));

        var hashes = runs[0].Select(r => r.Hash!.Value.ToArray()).ToArray();
        Assert.Equal(texts.Count, await registry.ScalarAsync<long>("SELECT count(*) FROM documents WHERE content_hash = ANY(@h)", ("h", hashes)));
        Assert.Equal(3L * texts.Count, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM sightings s JOIN documents d ON d.id = s.document_id WHERE d.content_hash = ANY(@h)", ("h", hashes)));
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Single(runs, r => r[i].Status == RegistrationStatus.Created);
            Assert.Single(runs.Select(r => r[i].Id).Distinct());
        }
    }

    [Theory]
    [InlineData("https://www.Example.ORG/path")]
    [InlineData("HTTP://WWW.EXAMPLE.COM.")]
    [InlineData("http://news.example:8080/s?q=1#f")]
    [InlineData("https://a-b_c.example?x")]
    [InlineData("https://www.#frag")]
    [InlineData("https://www./")]
    [InlineData("s3+x.y-z://bucket.example")]
    [InlineData("https://")]
    [InlineData("https://:80/")]
    [InlineData("https://....")]
    public async Task PlainUrisGetTheDomainTheDatabaseWouldGive(string uri)
    {
        Assert.True(SourceDomain.TryFromPlainUri(uri, out var domain));
        Assert.Equal(await registry.ScalarAsync<object>("SELECT source_domain_of(@u)", ("u", uri)), (object?)domain ?? DBNull.Value);
    }

    [Theory]
    [InlineData("https://user@host.example/")]
    [InlineData("https://[::1]:80/")]
    [InlineData("https://bücher.example/")]
    [InlineData("https://host%20x.example/")]
    [InlineData("mailto:someone@example.org")]
    [InlineData("example.org/page")]
    [InlineData("1http://example.org")]
    public void OtherUrisAreLeftToTheDatabase(string uri) => Assert.False(SourceDomain.TryFromPlainUri(uri, out _));
}
