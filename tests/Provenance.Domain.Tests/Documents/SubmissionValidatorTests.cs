using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using Provenance.Domain.Lineage;

namespace Provenance.Domain.Tests.Documents;

public class SubmissionValidatorTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly SubmissionLimits Limits = new() { MaxTextBytes = 100, MaxParents = 2 };

    static (bool Ok, ValidSubmission Valid, string? Error) Validate(DocumentSubmission s) =>
        (SubmissionValidator.TryValidate(s, Limits, Now, out var v, out var e), v, e);

    [Fact]
    public void AFullSubmissionIsNormalizedAndParsed()
    {
        var parent = ContentHash.OfNormalized("parent");

        var (ok, valid, error) = Validate(new DocumentSubmission(" Some text ", "https://Example.org/a b", Now.AddHours(-1), "crawler-1",
            new DeclaredProvenance("SYNTHETIC", "gpt-4o@2024-08-06", null, 0.8),
            [new ParentReference(ContentHash: parent.ToString(), Relation: "paraphrase_of"), new ParentReference(Id: 7, Relation: "generated_from")],
            "en-GB", "CC-BY-4.0"));

        Assert.True(ok, error);
        Assert.Equal("Some text", valid.Text);
        Assert.Equal("https://example.org/a%20b", valid.Uri);
        Assert.Equal(ProvenanceClass.Synthetic, valid.Declared!.Class);
        Assert.Equal("gpt-4o", valid.Declared.Generator!.Name);
        Assert.Equal([LineageRelation.ParaphraseOf, LineageRelation.GeneratedFrom], valid.Parents.Select(p => p.Relation));
        Assert.Equal(parent, valid.Parents[0].Hash);
        Assert.Equal(7, valid.Parents[1].Id);
    }

    [Theory]
    [InlineData("declared.class 'robot' is not one of", "robot", null, null)]
    [InlineData("contradicts", "human", "trainedAlgorithmicMedia", null)]
    [InlineData("unknown IPTC digitalSourceType", null, "paintedByHand", null)]
    [InlineData("goes with synthetic or mixed", "human", null, "gpt-4o@1")]
    [InlineData("not of the form name@version", "synthetic", null, "gpt-4o@")]
    public void BadDeclarationsAreRefused(string reason, string? cls, string? sourceType, string? generator)
    {
        var (ok, _, error) = Validate(new DocumentSubmission("text", Declared: new DeclaredProvenance(cls, generator, sourceType)));

        Assert.False(ok);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void ADigitalSourceTypeAloneImpliesTheClass()
    {
        var (ok, valid, _) = Validate(new DocumentSubmission("text", Declared: new DeclaredProvenance(DigitalSourceType: "compositeWithTrainedAlgorithmicMedia")));

        Assert.True(ok);
        Assert.Equal(ProvenanceClass.Mixed, valid.Declared!.Class);
        Assert.Contains("cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia", valid.Declared.EvidenceJson);
    }

    [Theory]
    [InlineData("exactly one of id and contentHash", null, null, "paraphrase_of")]
    [InlineData("exactly one of id and contentHash", 3L, "abc", "paraphrase_of")]
    [InlineData("parents[0].relation 'copied' is not one of", 3L, null, "copied")]
    [InlineData("parents[0].relation is missing", 3L, null, null)]
    [InlineData("not a SHA-256", null, "abc", "paraphrase_of")]
    [InlineData("ids are positive", -1L, null, "paraphrase_of")]
    public void BadParentsAreRefused(string reason, long? id, string? hash, string? relation)
    {
        var (ok, _, error) = Validate(new DocumentSubmission("text", Parents: [new ParentReference(id, hash, relation)]));

        Assert.False(ok);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void ADocumentCannotBeItsOwnParent()
    {
        var (ok, _, error) = Validate(new DocumentSubmission("text", Parents: [new ParentReference(ContentHash: ContentHash.OfNormalized("text").ToString(), Relation: "edited_from")]));

        Assert.False(ok);
        Assert.Contains("itself", error);
    }

    [Theory]
    [InlineData("limit is 100", "over the limit", null, null, 0)]
    [InlineData("absolute URI", "text", "relative/path", null, 0)]
    [InlineData("in the future", "text", null, 3, 0)]
    [InlineData("limit is 2", "text", null, null, 3)]
    public void LimitsAreEnforced(string reason, string text, string? uri, int? daysAhead, int parents)
    {
        var submission = new DocumentSubmission(text == "over the limit" ? new string('x', 101) : text, uri,
            daysAhead is { } d ? Now.AddDays(d) : null,
            Parents: [.. Enumerable.Range(1, parents).Select(i => new ParentReference(i, Relation: "generated_from"))]);

        var (ok, _, error) = Validate(submission);

        Assert.False(ok);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void CharactersAreCountedAsUnicodeScalars()
    {
        var (_, valid, _) = Validate(new DocumentSubmission("a\U0001F600b"));

        Assert.Equal(3, valid.CharCount);
    }

    [Theory]
    [InlineData("licence contains a NUL character", "CC-BY\0-4.0", null, null)]
    [InlineData("licence contains the control character U+001B", "\u001b[2J\u001b[HCC0", null, null)]
    [InlineData("crawler contains the control character U+0007", null, "crawler\u0007", null)]
    [InlineData("parents[0].paramsHash contains a NUL character", null, null, "sha256:\0")]
    public void MetadataPostgreSqlCannotStoreOrThatCarriesControlCharactersIsRefusedNamingTheField(
        string reason, string? licence, string? crawler, string? paramsHash)
    {
        var (ok, _, error) = Validate(new DocumentSubmission("text", Crawler: crawler, Licence: licence,
            Parents: paramsHash is null ? null : [new ParentReference(Id: 3, Relation: "paraphrase_of", ParamsHash: paramsHash)]));

        Assert.False(ok);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void AParamsHashWithAnUnpairedSurrogateIsRefused()
    {
        var (ok, _, error) = Validate(new DocumentSubmission("text",
            Parents: [new ParentReference(Id: 3, Relation: "paraphrase_of", ParamsHash: "half " + (char)0xD800)]));

        Assert.False(ok);
        Assert.Contains("parents[0].paramsHash is not valid Unicode", error);
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("mailto:someone@example.org")]
    [InlineData("urn:isbn:0451450523")]
    public void SourceUrisThatNameNoPlaceACrawlerFetchedFromAreRefused(string uri)
    {
        var (ok, _, error) = Validate(new DocumentSubmission("text", uri));

        Assert.False(ok);
        Assert.Contains("sourceUri", error);
        Assert.Contains("http, https, ftp, s3, gs", error);
    }

    [Theory]
    [InlineData("https://example.org/page")]
    [InlineData("HTTP://example.org/")]
    [InlineData("ftp://files.example/a.txt")]
    [InlineData("s3://bucket/key/part-0001.txt")]
    [InlineData("gs://bucket/object")]
    public void SourceUrisOfTheSchemesCrawlersFetchFromAreAccepted(string uri)
    {
        var (ok, _, error) = Validate(new DocumentSubmission("text", uri));

        Assert.True(ok, error);
    }

    [Fact]
    public void ASourceUriWithAControlCharacterIsRefused()
    {
        var (ok, _, error) = Validate(new DocumentSubmission("text", "https://example.org/\u001b[31m"));

        Assert.False(ok);
        Assert.Contains("sourceUri contains the control character U+001B", error);
    }
}
