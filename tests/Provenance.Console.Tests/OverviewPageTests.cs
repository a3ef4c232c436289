using Microsoft.Playwright;
using Provenance.Testing;

namespace Provenance.Console.Tests;

/// <summary>The overview page on a registry of its own (detector off), so its counts are exact.</summary>
public sealed class OverviewPageTests(ConsoleFixture registry) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task TheOverviewCountsByClassGeneratorAndDepthWithTheDetectorBacklogAndTheLatestRegistrations()
    {
        var crawler = registry.Client("crawler");
        var human = await crawler.RegisterAsync(TestDocuments.UniqueText("overview human"), "human");
        var synthetic = await crawler.RegisterAsync(TestDocuments.UniqueText("overview synthetic"), "synthetic", "overview-model@1",
            new Contracts.Documents.ParentReferenceRequest(human.Id, Relation: "generated_from"));
        var undeclared = await crawler.RegisterAsync(TestDocuments.UniqueText("overview undeclared"));

        var page = await registry.NewPageAsync();
        await registry.SignInAsync(page, "trainer");
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Overview");
        var totals = page.GetByTestId("totals");
        await Assertions.Expect(totals).ToContainTextAsync("Documents3");
        await Assertions.Expect(totals).ToContainTextAsync("Lineage edges1");
        await Assertions.Expect(totals).ToContainTextAsync("Waiting for the detector1");
        await Assertions.Expect(page.GetByTestId("by-class").GetByRole(AriaRole.Row, new() { Name = "synthetic" })).ToHaveTextAsync("synthetic1 33.3%");
        await Assertions.Expect(page.GetByTestId("by-generator").GetByRole(AriaRole.Row, new() { Name = "overview-model@1" })).ToHaveTextAsync("overview-model@11 100.0%");
        await Assertions.Expect(page.GetByTestId("by-depth").GetByRole(AriaRole.Row, new() { Name = "unknown" })).ToHaveTextAsync("unknown1 33.3%");
        var recent = page.GetByTestId("recent").GetByRole(AriaRole.Link);
        await Assertions.Expect(recent).ToHaveTextAsync([$"Document {undeclared.Id}", $"Document {synthetic.Id}", $"Document {human.Id}"]);

        await Axe.AssertNoSeriousViolationsAsync(page);
    }
}
