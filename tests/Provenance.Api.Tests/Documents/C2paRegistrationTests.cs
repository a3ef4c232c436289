using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Contracts.Documents;
using Provenance.Testing;

namespace Provenance.Api.Tests.Documents;

/// <summary>
/// A registration declared by a C2PA manifest report (<c>declared.c2pa</c>): the class, generator and parents come from
/// its active manifest, and the report's parts that were read stay in the assertion history as the declaration's evidence.
/// </summary>
public class C2paRegistrationTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _reader = registry.Client("curator");

    [Fact]
    public async Task ADocumentDeclaredByAC2paReportTakesItsClassGeneratorAndParentsAndKeepsTheReportAsEvidence()
    {
        var brief = await _crawler.RegisterAsync(TestDocuments.UniqueText("brief"), "human");
        var request = new RegisterDocumentRequest(TestDocuments.UniqueText("launch post"), "https://blog.example/launch",
            Declared: new(C2pa: C2paReports.ToElement(C2paReports.Generated(brief.ContentHash))));

        var response = await _crawler.PostAsJsonAsync("/v1/documents", request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var registered = (await response.Content.ReadFromJsonAsync<RegisteredDocumentResponse>())!;
        var doc = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{registered.Id}");
        Assert.Equal(("synthetic", "Acme Writer@2.1.0", 1), (doc.Class, doc.Generator, doc.Depth));
        var parent = Assert.Single(doc.Parents);
        Assert.Equal((brief.Id, "generated_from"), (parent.Id, parent.Relation));
        var declared = Assert.Single(doc.Assertions);
        Assert.Equal(("declared", "Acme Writer@2.1.0"), (declared.Kind, declared.Generator));
        var c2pa = declared.Evidence!.Value.GetProperty("c2pa");
        Assert.Equal(C2paReports.ActiveLabel, c2pa.GetProperty("activeManifest").GetString());
        Assert.Equal("Valid", c2pa.GetProperty("validationState").GetString());
        Assert.Equal(brief.ContentHash, c2pa.GetProperty("ingredients")[0].GetProperty("hash").GetString());
        Assert.False(c2pa.GetProperty("signaturesCheckedByRegistry").GetBoolean());
        var history = await _reader.GetJsonAsync<JsonElement>($"/v1/documents/{registered.Id}/assertions");
        Assert.Equal(C2paReports.ActiveLabel, history.EnumerateArray().Single().GetProperty("evidence").GetProperty("c2pa").GetProperty("activeManifest").GetString());
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine("POST /v1/documents\n" + JsonSerializer.Serialize(request, Indented));
        output?.WriteLine($"{(int)response.StatusCode}\n" + JsonSerializer.Serialize(registered, Indented));
        output?.WriteLine($"GET /v1/documents/{registered.Id}\n" + JsonSerializer.Serialize(doc, Indented));
    }

    [Fact]
    public async Task C2paReportsInABatchAreReadPerItemAndOneThatCannotBeMappedIsRejectedAlone()
    {
        var brief = TestDocuments.HashOf(TestDocuments.UniqueText("brief not yet registered"));
        var edited = C2paReports.Generated(brief);
        C2paReports.Actions(edited).Add(new JsonObject { ["action"] = "c2pa.edited", ["digitalSourceType"] = "humanEdits" });
        C2paReports.Active(edited)["ingredients"]![0]!["relationship"] = "parentOf";
        var unknown = C2paReports.Generated(brief);
        C2paReports.Actions(unknown)[0]!["digitalSourceType"] = "paintedByHand";

        var response = await _crawler.PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest([
            new(TestDocuments.UniqueText(), Declared: new(C2pa: C2paReports.ToElement(C2paReports.Generated(brief)))),
            new(TestDocuments.UniqueText(), Declared: new(C2pa: C2paReports.ToElement(edited))),
            new(TestDocuments.UniqueText(), Declared: new(C2pa: C2paReports.ToElement(unknown))),
        ]));

        var answer = (await response.Content.ReadFromJsonAsync<RegisterDocumentsResponse>())!;
        Assert.Equal((2, 1), (answer.Created, answer.Rejected));
        Assert.Equal("invalid_document", answer.Results[2].Code);
        Assert.Contains("unknown IPTC digitalSourceType 'paintedByHand'", answer.Results[2].Reason);
        var generated = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{answer.Results[0].Id}");
        var mixed = await _reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{answer.Results[1].Id}");
        Assert.Equal(("synthetic", "generated_from"), (generated.Class, Assert.Single(generated.PendingParents).Relation));
        Assert.Equal(("mixed", "edited_from"), (mixed.Class, Assert.Single(mixed.PendingParents).Relation));
        Assert.Equal(brief, mixed.PendingParents[0].ContentHash);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "[1, 2]", "declared.c2pa is an array, not a C2PA manifest store report" },
        { """{"manifests": {}}""", "declared.c2pa has no active_manifest" },
        { """{"active_manifest": "urn:uuid:a", "manifests": {"urn:uuid:b": {}}}""", "has no manifest 'urn:uuid:a', the active_manifest" },
        { """{"active_manifest": "m", "manifests": {"m": {"assertions": [{"label": "c2pa.actions", "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": "trainedAlgorithmicMedia"}]}}], "ingredients": [{"relationship": "parentOf", "hash": "3q2+7w=="}]}}}""",
            "ingredients[0].hash '3q2+7w==' is not a SHA-256 of text in hex" },
        { """{"active_manifest": "m", "manifests": {"m": {"claim_generator": "Acme/1"}}}""", "has no c2pa.actions with a digitalSourceType" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AReportThatCannotBeMappedIsAnswered400AndWritesNothing(string report, string reason)
    {
        var text = TestDocuments.UniqueText();
        var body = "{\"text\": " + JsonSerializer.Serialize(text) + ", \"declared\": {\"c2pa\": " + report + "}}";

        var response = await _crawler.PostAsync("/v1/documents", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "invalid_document");
        Assert.Contains(reason, problem.GetProperty("detail").GetString());
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM documents WHERE content_hash = decode(@h, 'hex')", ("h", TestDocuments.HashOf(text))));
    }

    [Fact]
    public async Task AReportThatContradictsTheDeclaredClassIsRefused()
    {
        var request = new RegisterDocumentRequest(TestDocuments.UniqueText(),
            Declared: new("human", C2pa: C2paReports.ToElement(C2paReports.Generated(new string('a', 64)))));

        var response = await _crawler.PostAsJsonAsync("/v1/documents", request);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "invalid_document");
        Assert.Contains("declared.class 'human' contradicts declared.c2pa", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentSaysTheRegistryDoesNotVerifyAReportsSignatures()
    {
        var json = JsonDocument.Parse(await registry.Client(role: null).GetStringAsync("/openapi/v1.json")).RootElement;

        var c2pa = json.GetProperty("components").GetProperty("schemas").GetProperty(nameof(DeclaredProvenanceRequest)).GetProperty("properties").GetProperty("c2pa");
        Assert.Contains("does not verify C2PA signatures", c2pa.GetProperty("description").GetString());
    }
}
