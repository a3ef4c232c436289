using Provenance.Contracts.Documents;
using Provenance.Data.Assertions;
using Provenance.Domain.Assertions;
using Provenance.Testing;

namespace Provenance.Data.Tests.Assertions;

/// <summary>
/// An assertion appended with <c>SkipIfRepeated</c> is left out when the asserter's latest one of its kind on the
/// document says the same: class, generator and confidence at the stored precision, whatever the evidence.
/// </summary>
public class RepeatedAssertionTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    const string Model = "repeat-detector@1";

    async Task<bool> AppendedAsync(long document, ProvenanceClass cls, double? confidence, string evidence)
    {
        var appended = await registry.GetService<AssertionWriter>().AppendAsync(
            [new NewAssertion(document, AssertionKind.Detector, Model, cls, confidence, EvidenceJson: evidence, SkipIfRepeated: true)],
            CancellationToken.None);
        return appended.Count == 1;
    }

    [Fact]
    public async Task AVerdictRepeatsTheLatestOneWithTheSameClassAndConfidenceAtTheStoredPrecision()
    {
        var document = (await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText())).Id;
        Assert.True(await AppendedAsync(document, ProvenanceClass.Human, 0.95, """{"p_human": 0.95000001}"""));

        Assert.False(await AppendedAsync(document, ProvenanceClass.Human, 0.95, """{"p_human": 0.95000002}"""));
        Assert.False(await AppendedAsync(document, ProvenanceClass.Human, 0.950001, """{"p_human": 0.950001}"""));
        Assert.True(await AppendedAsync(document, ProvenanceClass.Human, 0.95001, """{"p_human": 0.95001}"""));
        Assert.True(await AppendedAsync(document, ProvenanceClass.Synthetic, 0.95001, """{"p_human": 0.04999}"""));
        Assert.True(await AppendedAsync(document, ProvenanceClass.Synthetic, null, """{"p_human": 0.04999}"""));
        Assert.False(await AppendedAsync(document, ProvenanceClass.Synthetic, null, """{"p_human": 0.05}"""));
    }

    /// <summary>
    /// Re-declaring a text repeats the registrant's latest declaration by the same rule, so a declaration that differs
    /// from it only in its evidence (here the IPTC source type that implied the class) or in confidence below the stored
    /// precision appends nothing; one with a different confidence does.
    /// </summary>
    [Fact]
    public async Task ADeclarationRepeatsTheRegistrantsLatestOneByTheSameRuleWhateverTheEvidence()
    {
        var crawler = registry.Client("crawler");
        var text = TestDocuments.UniqueText();
        async Task<int> DeclareAsync(DeclaredProvenanceRequest declared)
        {
            var doc = await crawler.RegisterAsync(new RegisterDocumentRequest(text, Declared: declared));
            return (await registry.Client("curator").GetJsonAsync<DocumentResponse>($"/v1/documents/{doc.Id}")).Assertions.Count;
        }

        Assert.Equal(1, await DeclareAsync(new DeclaredProvenanceRequest(DigitalSourceType: "trainedAlgorithmicMedia")));
        Assert.Equal(1, await DeclareAsync(new DeclaredProvenanceRequest("synthetic")));
        Assert.Equal(2, await DeclareAsync(new DeclaredProvenanceRequest("synthetic", Confidence: 0.95)));
        Assert.Equal(2, await DeclareAsync(new DeclaredProvenanceRequest("synthetic", Confidence: 0.950001)));
        Assert.Equal(3, await DeclareAsync(new DeclaredProvenanceRequest("synthetic", Confidence: 0.95001)));
    }
}
