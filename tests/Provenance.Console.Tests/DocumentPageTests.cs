using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Documents;
using Provenance.Testing;

namespace Provenance.Console.Tests;

/// <summary>
/// The console with the detector in process, so an undeclared document gets a verdict with segment scores. Tests that
/// count assertions register declared documents, which the detector leaves alone.
/// </summary>
public sealed class DetectorConsoleFixture : ConsoleFixture
{
    protected override bool DetectorInProcess => true;
}

/// <summary>The document page: asserting a class, what a trainer is offered, lineage, and the text shaded by segment scores.</summary>
public sealed class DocumentPageTests(DetectorConsoleFixture registry) : IClassFixture<DetectorConsoleFixture>
{
    async Task<IPage> DocumentPageAsync(string role, long id)
    {
        var page = await registry.SignedInAsync(role);
        await page.EvaluateAsync($"location.hash = '/documents/{id}'");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Document {id}");
        return page;
    }

    [Fact]
    public async Task ACuratorAssertsAClassAndTheHistoryGrowsWithoutAReload()
    {
        var doc = await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText("asserted document"), "synthetic", "gpt-4o@2024-08-06");
        var page = await DocumentPageAsync("curator", doc.Id);
        await Assertions.Expect(page.GetByTestId("assertion")).ToHaveCountAsync(1);
        await page.EvaluateAsync("window.notReloaded = true");

        await page.GetByLabel("Class", new() { Exact = true }).SelectOptionAsync("human");
        await page.GetByLabel("Note (optional)").FillAsync("author confirmed by email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Assert class" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("assertion")).ToHaveCountAsync(2);
        var latest = page.GetByTestId("assertion").Nth(1);
        await Assertions.Expect(latest).ToContainTextAsync("curator assertion by test-curator");
        await Assertions.Expect(latest).ToContainTextAsync("author confirmed by email");
        await Assertions.Expect(latest).ToContainTextAsync("decides the class");
        await Assertions.Expect(page.GetByTestId("class")).ToHaveTextAsync("human");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("the document's class is now human");
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task ARefusedAssertionShowsTheProblemAndAddsNothing()
    {
        var doc = await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText("refused assertion"), "human");
        var page = await DocumentPageAsync("curator", doc.Id);

        await page.GetByLabel("Class", new() { Exact = true }).SelectOptionAsync("mixed");
        await page.GetByLabel("Note (optional)").FillAsync("a bell \u0007 in the note");
        await page.GetByRole(AriaRole.Button, new() { Name = "Assert class" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("assert-error")).ToContainTextAsync("(invalid_note)");
        await Assertions.Expect(page.GetByTestId("assertion")).ToHaveCountAsync(1);
        var stored = await registry.Client("curator").GetJsonAsync<DocumentResponse>($"/v1/documents/{doc.Id}");
        Assert.Single(stored.Assertions);
    }

    [Fact]
    public async Task ACuratorAssertsSyntheticWithAGeneratorAndAConfidence()
    {
        var doc = await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText("generator asserted"), "human");
        var page = await DocumentPageAsync("curator", doc.Id);
        await page.EvaluateAsync("window.notReloaded = true");
        var generator = page.GetByLabel("Generator (optional)");
        await Assertions.Expect(generator).ToBeHiddenAsync();

        await page.GetByLabel("Class", new() { Exact = true }).SelectOptionAsync("synthetic");
        await Assertions.Expect(generator).ToBeVisibleAsync();
        await generator.FillAsync("writer@1");
        await page.GetByLabel("Confidence (optional)").FillAsync("0.8");
        await page.GetByRole(AriaRole.Button, new() { Name = "Assert class" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("assertion")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("assertion").Nth(1)).ToContainTextAsync("synthetic by writer@1, confidence 0.80");
        await Assertions.Expect(page.GetByTestId("class")).ToHaveTextAsync("synthetic");
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        var stored = (await registry.Client("curator").GetJsonAsync<DocumentResponse>($"/v1/documents/{doc.Id}")).Assertions[^1];
        Assert.Equal(("writer@1", 0.8), (stored.Generator, stored.Confidence));
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task AMalformedGeneratorShowsTheProblemAndAddsNothing()
    {
        var doc = await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText("bad generator"), "human");
        var page = await DocumentPageAsync("curator", doc.Id);

        await page.GetByLabel("Class", new() { Exact = true }).SelectOptionAsync("mixed");
        await page.GetByLabel("Generator (optional)").FillAsync("writer@");
        await page.GetByRole(AriaRole.Button, new() { Name = "Assert class" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("assert-error")).ToContainTextAsync("is not of the form name@version");
        await Assertions.Expect(page.GetByTestId("assert-error")).ToContainTextAsync("(invalid_generator)");
        await Assertions.Expect(page.GetByTestId("assertion")).ToHaveCountAsync(1);
        var stored = await registry.Client("curator").GetJsonAsync<DocumentResponse>($"/v1/documents/{doc.Id}");
        Assert.Single(stored.Assertions);
    }

    [Fact]
    public async Task AGeneratorTypedThenHiddenByAHumanClassIsNotSent()
    {
        var doc = await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText("generator hidden"), "synthetic", "gpt-4o@2024-08-06");
        var page = await DocumentPageAsync("curator", doc.Id);

        await page.GetByLabel("Class", new() { Exact = true }).SelectOptionAsync("mixed");
        await page.GetByLabel("Generator (optional)").FillAsync("writer@1");
        await page.GetByLabel("Class", new() { Exact = true }).SelectOptionAsync("human");
        await page.GetByRole(AriaRole.Button, new() { Name = "Assert class" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("assertion")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("class")).ToHaveTextAsync("human");
        var stored = (await registry.Client("curator").GetJsonAsync<DocumentResponse>($"/v1/documents/{doc.Id}")).Assertions[^1];
        Assert.Null(stored.Generator);
    }

    [Fact]
    public async Task ATrainerIsNotOfferedTheFormAndTheApiRefusesIt()
    {
        var doc = await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText("trainer view"), "human");
        var page = await DocumentPageAsync("trainer", doc.Id);

        await Assertions.Expect(page.GetByTestId("assertion")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "Assert a class" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Assert class" }).CountAsync());

        var response = await registry.Client("trainer").PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new AssertClassRequest("synthetic"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var stored = await registry.Client("trainer").GetJsonAsync<DocumentResponse>($"/v1/documents/{doc.Id}");
        Assert.Single(stored.Assertions);
    }

    [Fact]
    public async Task TheLineageSectionListsParentsChildrenAndPendingParents()
    {
        var crawler = registry.Client("crawler");
        var parent = await crawler.RegisterAsync(TestDocuments.UniqueText("parent"), "human");
        var missing = TestDocuments.HashOf(TestDocuments.UniqueText("never registered"));
        var focus = await crawler.RegisterAsync(TestDocuments.UniqueText("focus"), "synthetic", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(Id: parent.Id, Relation: "paraphrase_of"),
            new ParentReferenceRequest(ContentHash: missing, Relation: "summary_of"));
        var child = await crawler.RegisterAsync(TestDocuments.UniqueText("child"), "synthetic", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(Id: focus.Id, Relation: "translation_of"));

        var page = await DocumentPageAsync("trainer", focus.Id);

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Document {parent.Id}", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("children")).ToContainTextAsync($"Document {child.Id} translation_of");
        await Assertions.Expect(page.GetByTestId("pending")).ToContainTextAsync($"sha256:{missing} summary_of");
    }

    [Fact]
    public async Task ADetectorScoredDocumentShowsItsParagraphsShadedWithALegend()
    {
        const string human = "We walked down to the harbour before breakfast because my aunt wanted to see whether the ferry "
            + "was still running after the storm. The gulls were loud, the café was shut, and a man in a yellow coat "
            + "was scraping weed off the slipway while his dog barked at every wave.";
        const string machine = "In today's rapidly evolving landscape, it is important to note that effective communication "
            + "plays a crucial role in fostering collaboration. By leveraging innovative strategies and embracing best "
            + "practices, organizations can unlock new opportunities and drive sustainable growth across diverse sectors.";
        var text = $"{human} {Guid.NewGuid():N}\n\n{machine}";
        var doc = await registry.Client("crawler").RegisterAsync(text);
        await registry.Client("curator").WaitForDetectorAsync(doc.Id, () => registry.Log.Text);

        var page = await DocumentPageAsync("curator", doc.Id);

        var segments = page.GetByTestId("segment");
        await Assertions.Expect(segments).ToHaveCountAsync(2);
        await Assertions.Expect(segments.Nth(0)).ToContainTextAsync("We walked down to the harbour");
        await Assertions.Expect(segments.Nth(1)).ToContainTextAsync("rapidly evolving landscape");
        foreach (var segment in await segments.AllAsync())
        {
            Assert.Matches("^[0-4]$", await segment.GetAttributeAsync("data-band"));
            await Assertions.Expect(segment).ToContainTextAsync("P(machine) ");
        }
        await Assertions.Expect(page.GetByTestId("legend").GetByRole(AriaRole.Listitem)).ToHaveCountAsync(5);
        await Assertions.Expect(page.GetByTestId("text")).ToContainTextAsync(text.Replace("\n\n", "", StringComparison.Ordinal)[..40]);
        await Axe.AssertNoSeriousViolationsAsync(page);
    }
}
