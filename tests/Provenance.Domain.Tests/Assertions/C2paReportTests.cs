using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using Provenance.Domain.Lineage;

namespace Provenance.Domain.Tests.Assertions;

/// <summary>A C2PA manifest store report in <c>declared.c2pa</c>, read by <see cref="C2paReport"/> through the validator.</summary>
public class C2paReportTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly SubmissionLimits Limits = new() { MaxTextBytes = 1000, MaxParents = 2 };
    static readonly ContentHash BriefHash = ContentHash.OfNormalized("The brief the text was written from.");
    static readonly string Brief = BriefHash.ToString();

    static (bool Ok, ValidSubmission Valid, string? Error) Validate(JsonNode report, string? cls = null, string? generator = null,
        string? digitalSourceType = null, IReadOnlyList<ParentReference>? parents = null) =>
        (SubmissionValidator.TryValidate(new DocumentSubmission("A launch post.", Parents: parents,
            Declared: new DeclaredProvenance(cls, generator, digitalSourceType, C2pa: C2paReports.ToElement(report))), Limits, Now, out var v, out var e), v, e);

    [Fact]
    public void TheActiveManifestGivesTheClassTheGeneratorAndTheParents()
    {
        var (ok, valid, error) = Validate(C2paReports.Generated(Brief));

        Assert.True(ok, error);
        Assert.Equal(ProvenanceClass.Synthetic, valid.Declared!.Class);
        Assert.Equal("Acme Writer@2.1.0", valid.Declared.Generator!.ToString());
        var parent = Assert.Single(valid.Parents);
        Assert.Equal((BriefHash, LineageRelation.GeneratedFrom), (parent.Hash!.Value, parent.Relation));
        var evidence = JsonNode.Parse(valid.Declared.EvidenceJson!)!["c2pa"]!;
        Assert.Equal(C2paReports.ActiveLabel, (string?)evidence["activeManifest"]);
        Assert.Equal(("c2pa.created", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"),
            ((string?)evidence["actions"]![0]!["action"], (string?)evidence["actions"]![0]!["digitalSourceType"]));
        Assert.Equal("Valid", (string?)evidence["validationState"]);
        Assert.True(JsonNode.DeepEquals(C2paReports.Generated(Brief)["validation_results"], evidence["validationResults"]));
        Assert.False((bool)evidence["signaturesCheckedByRegistry"]!);
    }

    [Fact]
    public void ActionsThatNameHumanAndSyntheticSourcesMakeTheTextMixed()
    {
        var report = C2paReports.Generated(Brief);
        C2paReports.Actions(report).Add(new JsonObject { ["action"] = "c2pa.edited", ["digitalSourceType"] = "humanEdits" });

        var (ok, valid, error) = Validate(report);

        Assert.True(ok, error);
        Assert.Equal(ProvenanceClass.Mixed, valid.Declared!.Class);
    }

    [Fact]
    public void TheLegacyClaimGeneratorStringNamesTheGeneratorByItsFirstProduct()
    {
        var report = C2paReports.Generated(Brief);
        C2paReports.Active(report).Remove("claim_generator_info");

        var (ok, valid, error) = Validate(report);

        Assert.True(ok, error);
        Assert.Equal("Acme_Writer@2.1.0", valid.Declared!.Generator!.ToString());
    }

    [Fact]
    public void AGeneratorTheRegistrantNamesWinsAndHumanTextKeepsItsClaimGeneratorOnlyAsEvidence()
    {
        var (_, named, _) = Validate(C2paReports.Generated(Brief), generator: "acme-lm@7");
        var human = C2paReports.Generated(Brief);
        C2paReports.Actions(human)[0]!["digitalSourceType"] = "digitalCreation";

        var (ok, valid, error) = Validate(human);

        Assert.Equal("acme-lm@7", named.Declared!.Generator!.ToString());
        Assert.True(ok, error);
        Assert.Equal(ProvenanceClass.Human, valid.Declared!.Class);
        Assert.Null(valid.Declared.Generator);
        Assert.Equal("Acme Writer", (string?)JsonNode.Parse(valid.Declared.EvidenceJson!)!["c2pa"]!["claimGeneratorInfo"]!["name"]);
    }

    [Fact]
    public void AnIptcDigitalSourceTypeAndAReportThatAgreeAreBothKept()
    {
        var (ok, valid, error) = Validate(C2paReports.Generated(Brief), "synthetic", digitalSourceType: "trainedAlgorithmicMedia");

        Assert.True(ok, error);
        var evidence = JsonNode.Parse(valid.Declared!.EvidenceJson!)!;
        Assert.NotNull(evidence["digitalSourceType"]);
        Assert.NotNull(evidence["c2pa"]);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "not-an-object", "declared.c2pa is an array, not a C2PA manifest store report" },
        { "no-active-manifest", "declared.c2pa has no active_manifest" },
        { "active-manifest-missing", "declared.c2pa.manifests has no manifest 'urn:uuid:gone', the active_manifest" },
        { "unknown-source-type", "the action 'c2pa.created' has an unknown IPTC digitalSourceType 'paintedByHand'" },
        { "contradicts-class", "declared.class 'human' contradicts declared.c2pa, whose actions' digitalSourceType means 'synthetic'" },
        { "contradicts-source-type", "declared.digitalSourceType 'digitalCapture' contradicts declared.c2pa" },
        { "no-source-type", "has no c2pa.actions with a digitalSourceType" },
        { "hash-not-sha256", "ingredients[0].hash '3q2+7w==' is not a SHA-256 of text in hex" },
        { "unknown-relationship", "ingredients[0].relationship 'siblingOf' is not one of parentOf, componentOf, inputTo" },
        { "too-large", "bytes; the limit is 65,536 (64 KiB)" },
        { "too-deep", "nests more than 32 levels deep" },
        { "unstorable", "contains a NUL" },
        { "too-many-parents", "2 parents and 1 hashed ingredients in declared.c2pa given; the limit is 2" },
        { "ingredient-is-itself", "declared.c2pa's hashed ingredient 0 is the document itself" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void AReportThatCannotBeMappedIsRefusedWithTheReason(string what, string reason)
    {
        var (ok, _, error) = Refused(what);

        Assert.False(ok);
        Assert.Contains(reason, error);
    }

    /// <summary>A report is JSON inside the body, which the server parses without decoding its strings.</summary>
    [Theory]
    [InlineData("{\"active_manifest\": \"m\", \"\xff\xfe\": 1}")]
    [InlineData("{\"active_manifest\": \"m\xff\", \"manifests\": {}}")]
    public void AReportWithInvalidUtf8IsRefusedNotThrown(string latin1)
    {
        var report = JsonDocument.Parse(System.Text.Encoding.Latin1.GetBytes(latin1)).RootElement;

        var ok = SubmissionValidator.TryValidate(new DocumentSubmission("A launch post.", Declared: new DeclaredProvenance(C2pa: report)),
            Limits, Now, out _, out var error);

        Assert.False(ok);
        Assert.StartsWith("declared.c2pa", error);
    }

    static (bool Ok, ValidSubmission Valid, string? Error) Refused(string what)
    {
        var report = C2paReports.Generated(Brief);
        var active = C2paReports.Active(report);
        var ingredient = active["ingredients"]![0]!;
        string? cls = null, sourceType = null;
        IReadOnlyList<ParentReference>? parents = null;
        switch (what)
        {
            case "not-an-object": return Validate(new JsonArray(report));
            case "no-active-manifest": report.Remove("active_manifest"); break;
            case "active-manifest-missing": report["active_manifest"] = "urn:uuid:gone"; break;
            case "unknown-source-type": C2paReports.Actions(report)[0]!["digitalSourceType"] = "paintedByHand"; break;
            case "contradicts-class": cls = "human"; break;
            case "contradicts-source-type": sourceType = "digitalCapture"; break;
            case "no-source-type": C2paReports.Actions(report)[0]!.AsObject().Remove("digitalSourceType"); break;
            case "hash-not-sha256": ingredient["hash"] = "3q2+7w=="; break;
            case "unknown-relationship": ingredient["relationship"] = "siblingOf"; break;
            case "too-large": active["title"] = new string('x', C2paReport.MaxBytes); break;
            case "too-deep":
                JsonNode deep = "bottom";
                for (var i = 0; i < C2paReport.MaxDepth; i++)
                {
                    deep = new JsonArray(deep);
                }
                active["deep"] = deep;
                break;
            case "unstorable": active["title"] = "launch\0post.md"; break;
            case "too-many-parents":
                parents = [new ParentReference(Id: 1, Relation: "edited_from"), new ParentReference(Id: 2, Relation: "edited_from")];
                break;
            case "ingredient-is-itself": ingredient["hash"] = ContentHash.OfNormalized("A launch post.").ToString(); break;
            default: throw new ArgumentOutOfRangeException(nameof(what), what, null);
        }
        return Validate(report, cls, digitalSourceType: sourceType, parents: parents);
    }
}
