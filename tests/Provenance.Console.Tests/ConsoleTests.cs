using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;
using Provenance.Contracts.Documents;
using Provenance.Testing;

namespace Provenance.Console.Tests;

/// <summary>The console in a real browser against the real API: sign-in, the role shown, Find, a document, and axe.</summary>
public sealed partial class ConsoleTests(ConsoleFixture registry) : IClassFixture<ConsoleFixture>
{
    async Task<IPage> FindAsync(string role, string q)
    {
        var page = await registry.SignedInAsync(role);
        await page.GetByLabel("Find documents").FillAsync(q);
        await page.GetByRole(AriaRole.Button, new() { Name = "Find", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Level = 2 }).WaitForAsync();
        return page;
    }

    [Fact]
    public async Task SigningInShowsTheKeysNameAndRoleAndKeepsTheKeyOutOfTheUrl()
    {
        var page = await registry.SignedInAsync("curator");

        Assert.Equal("curator", await page.GetByTestId("role").TextContentAsync());
        Assert.Contains("test-curator", await page.GetByTestId("who").TextContentAsync());
        Assert.DoesNotContain(registry.Key("curator"), page.Url);
        Assert.Equal(registry.Key("curator"), await page.EvaluateAsync<string>("sessionStorage.getItem('provenance.apiKey')"));
    }

    [Fact]
    public async Task AnUnknownKeyIsRefusedWithTheRegistrysReason()
    {
        var page = await registry.NewPageAsync();
        await page.GotoAsync("/console/");

        await page.GetByLabel("API key").FillAsync("pvk_00000000_not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("unknown or has been revoked");
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('provenance.apiKey')"));
    }

    [Fact]
    public async Task SigningOutForgetsTheKey()
    {
        var page = await registry.SignedInAsync("trainer");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await page.GetByLabel("API key").WaitForAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('provenance.apiKey')"));
    }

    [Fact]
    public async Task ACrawlerIsNotOfferedFind()
    {
        var page = await registry.SignedInAsync("crawler");

        Assert.Equal("crawler", await page.GetByTestId("role").TextContentAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Find" }).CountAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("may not read documents");
    }

    [Fact]
    public async Task FindByHashOpensTheDocumentWithItsDecidingAssertion()
    {
        var doc = await registry.Client("crawler").RegisterAsync(TestDocuments.UniqueText("console document"), "synthetic", "gpt-4o@2024-08-06");

        var page = await FindAsync("curator", "sha256:" + doc.ContentHash);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Document {doc.Id}" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Document {doc.Id}");
        Assert.Equal("synthetic", await page.GetByTestId("class").TextContentAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "Decided by" })).ToContainTextAsync("declared assertion by test-crawler");
        await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync("gpt-4o@2024-08-06");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task FindBySourceUrlListsTheDocumentsSeenThere()
    {
        var url = $"https://example.org/console/{Guid.NewGuid():N}";
        var doc = await registry.Client("crawler").RegisterAsync(new RegisterDocumentRequest(TestDocuments.UniqueText(), url));

        var page = await FindAsync("trainer", url);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("1 document found by source URL");
        var hit = page.GetByTestId("hit");
        await Assertions.Expect(hit).ToContainTextAsync($"Document {doc.Id}");
        await Assertions.Expect(hit.GetByRole(AriaRole.Link, new() { Name = url })).ToHaveAttributeAsync("href", url);
    }

    [Fact]
    public async Task FindByPhraseShowsASnippetAndTheResultsPagePassesAxe()
    {
        var word = $"w{Guid.NewGuid():N}";
        var doc = await registry.Client("crawler").RegisterAsync($"A page the curator will look for, mentioning {word} in passing.");
        await registry.IndexSearchAsync();

        var page = await FindAsync("curator", $"\"mentioning {word}\"");

        await Assertions.Expect(page.GetByTestId("hit")).ToContainTextAsync($"mentioning {word} in passing");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Document {doc.Id}" })).ToBeVisibleAsync();
        Assert.Matches(SearchRoute(), page.Url);
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task TheSignInPagePassesAxeAndRunsUnderThePagePolicy()
    {
        var page = await registry.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                violations.Add(message.Text);
            }
        };

        var response = await page.GotoAsync("/console/");
        await page.GetByLabel("API key").WaitForAsync();

        var policy = await response!.HeaderValueAsync("content-security-policy");
        Assert.Contains("script-src 'self' 'nonce-", policy);
        Assert.Empty(violations);
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [GeneratedRegex(@"/console/#/find\?q=")]
    private static partial Regex SearchRoute();
}
