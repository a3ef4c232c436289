using Microsoft.Playwright;
using Provenance.Contracts.Documents;
using Provenance.Testing;

namespace Provenance.Console.Tests;

/// <summary>The lineage explorer in a real browser: the DAG around a document, its human root, and refocusing by a click.</summary>
public sealed class LineageTests(ConsoleFixture registry) : IClassFixture<ConsoleFixture>
{
    readonly List<string> _policyViolations = [];

    async Task<IPage> OpenAsync(string route)
    {
        var page = await registry.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                _policyViolations.Add(message.Text);
            }
        };
        await registry.SignInAsync(page, "curator");
        await page.EvaluateAsync("route => { location.hash = route; }", route);
        return page;
    }

    /// <summary>human root ← synthetic child ← synthetic grandchild.</summary>
    async Task<(long Root, long Child, long Grandchild)> ChainAsync()
    {
        var crawler = registry.Client("crawler");
        var root = await crawler.RegisterAsync(TestDocuments.UniqueText("lineage root"), "human");
        var child = await crawler.RegisterAsync(TestDocuments.UniqueText("lineage child"), "synthetic", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(root.Id, Relation: "paraphrase_of"));
        var grandchild = await crawler.RegisterAsync(TestDocuments.UniqueText("lineage grandchild"), "synthetic", "gpt-4o@2024-08-06",
            new ParentReferenceRequest(child.Id, Relation: "summary_of"));
        return (root.Id, child.Id, grandchild.Id);
    }

    static async Task<long[]> DrawnIdsAsync(IPage page) =>
        [.. (await page.GetByTestId("lineage-nodes").Locator("li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.nodeId)")).Select(long.Parse)];

    [Fact]
    public async Task TheAncestorsAreDrawnWithTheHumanRootMarkedAndAClickMovesTheFocus()
    {
        var (root, child, grandchild) = await ChainAsync();

        var page = await OpenAsync($"/documents/{grandchild}/lineage");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Lineage of document {grandchild}");
        await Assertions.Expect(page.GetByTestId("lineage-graph")).ToHaveAttributeAsync("data-node-count", "3");
        Assert.Equal([root, child, grandchild], await DrawnIdsAsync(page));
        var rootItem = page.Locator($"li[data-node-id='{root}']");
        await Assertions.Expect(rootItem).ToHaveAttributeAsync("data-root", "");
        await Assertions.Expect(rootItem).ToContainTextAsync("human, depth 0, 2 generations up, human root");
        await Assertions.Expect(page.Locator($"li[data-node-id='{child}']")).ToHaveAttributeAsync("data-on-path", "");
        await Assertions.Expect(page.Locator("li[data-root]")).ToHaveCountAsync(1);
        await Axe.AssertNoSeriousViolationsAsync(page);
        Assert.Empty(_policyViolations);

        // Click the root where the graph drew it: the focus moves there and its descendants can be asked for.
        await Assertions.Expect(rootItem).ToHaveAttributeAsync("data-x", new System.Text.RegularExpressions.Regex(@"^-?\d+$"));
        var box = (await page.GetByTestId("lineage-graph").BoundingBoxAsync())!;
        var x = float.Parse((await rootItem.GetAttributeAsync("data-x"))!, System.Globalization.CultureInfo.InvariantCulture);
        var y = float.Parse((await rootItem.GetAttributeAsync("data-y"))!, System.Globalization.CultureInfo.InvariantCulture);
        await page.Mouse.ClickAsync(box.X + x, box.Y + y);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Lineage of document {root}");
        await Assertions.Expect(page.GetByTestId("lineage-graph")).ToHaveAttributeAsync("data-node-count", "1");
        await page.GetByLabel("Direction").SelectOptionAsync("descendants");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("lineage-graph")).ToHaveAttributeAsync("data-node-count", "3");
        Assert.Equal([root, child, grandchild], await DrawnIdsAsync(page));
    }

    [Fact]
    public async Task AWalkCutShortByDepthOffersExpandHereBothDirectionsDrawAndARelationFilterLeavesOtherRelationsOut()
    {
        var (root, child, grandchild) = await ChainAsync();

        var page = await OpenAsync($"/documents/{grandchild}/lineage?direction=ancestors&maxDepth=1");

        await Assertions.Expect(page.GetByTestId("lineage-graph")).ToHaveAttributeAsync("data-node-count", "2");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Expand here (document {child})" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("lineage-graph")).ToHaveAttributeAsync("data-node-count", "3");
        await Assertions.Expect(page.Locator($"li[data-node-id='{root}']")).ToHaveAttributeAsync("data-root", "");

        await page.GotoAsync($"/console/#/documents/{child}/lineage?direction=both&maxDepth=5");
        await Assertions.Expect(page.GetByTestId("lineage-graph")).ToHaveAttributeAsync("data-node-count", "3");
        await Assertions.Expect(page.Locator($"li[data-node-id='{grandchild}']")).ToContainTextAsync("1 generation down");

        await page.GotoAsync($"/console/#/documents/{grandchild}/lineage?direction=ancestors&maxDepth=5&relation=summary_of");
        await Assertions.Expect(page.GetByTestId("lineage-graph")).ToHaveAttributeAsync("data-node-count", "2");
        Assert.Equal([child, grandchild], await DrawnIdsAsync(page));
    }

    [Fact]
    public async Task ASmallDrawLimitDrawsTheNearestNodesAndExpandHereDrawsAFrontierNodesNeighbours()
    {
        // Twelve human grandparents, four under each of three parents, under one focus: sixteen ancestors in the walk.
        var crawler = registry.Client("crawler");
        var grandparents = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            grandparents.Add((await crawler.RegisterAsync(TestDocuments.UniqueText($"grandparent {i}"), "human")).Id);
        }
        var parents = new List<long>();
        for (var p = 0; p < 3; p++)
        {
            parents.Add((await crawler.RegisterAsync(TestDocuments.UniqueText($"parent {p}"), "synthetic", "gpt-4o@2024-08-06",
                [.. grandparents.Skip(4 * p).Take(4).Select(g => new ParentReferenceRequest(g, Relation: "generated_from"))])).Id);
        }
        var focus = await crawler.RegisterAsync(TestDocuments.UniqueText("focus of sixteen"), "synthetic", "gpt-4o@2024-08-06",
            [.. parents.Select(p => new ParentReferenceRequest(p, Relation: "summary_of"))]);

        var page = await OpenAsync($"/documents/{focus.Id}/lineage?maxDepth=3&draw=10");

        var graph = page.GetByTestId("lineage-graph");
        await Assertions.Expect(graph).ToHaveAttributeAsync("data-node-count", "10");
        await Assertions.Expect(page.GetByTestId("lineage-status")).ToContainTextAsync("10 of 16 nodes drawn");
        await Assertions.Expect(page.GetByLabel("Draw at most")).ToHaveValueAsync("10");
        long[] nearest = [.. grandparents.Take(6), .. parents, focus.Id];
        Assert.Equal(nearest, await DrawnIdsAsync(page));
        await Assertions.Expect(page.Locator("li[data-expandable]")).ToHaveCountAsync(2);
        var frontier = page.Locator($"li[data-node-id='{parents[2]}']");
        await Assertions.Expect(frontier).ToHaveAttributeAsync("data-expandable", "");
        await Assertions.Expect(page.Locator($"li[data-node-id='{parents[0]}']")).Not.ToHaveAttributeAsync("data-expandable", "");

        await frontier.GetByRole(AriaRole.Button, new() { Name = $"Expand here (document {parents[2]})" }).ClickAsync();

        await Assertions.Expect(graph).ToHaveAttributeAsync("data-node-count", "14");
        await Assertions.Expect(page.GetByTestId("lineage-status")).ToContainTextAsync("14 of 16 nodes drawn");
        long[] expanded = [.. grandparents.Take(6), .. grandparents.Skip(8), .. parents, focus.Id];
        Assert.Equal(expanded, await DrawnIdsAsync(page));
        await Assertions.Expect(page.Locator("li[data-expandable]")).ToHaveCountAsync(1);

        // The limit travels with a click on a node, and one past the maximum is drawn as the maximum.
        await page.GetByRole(AriaRole.Link, new() { Name = $"Document {parents[1]}", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("draw=10$"));
        await page.GotoAsync($"/console/#/documents/{focus.Id}/lineage?maxDepth=3&draw=5000");
        await Assertions.Expect(graph).ToHaveAttributeAsync("data-node-count", "16");
        await Assertions.Expect(page.GetByLabel("Draw at most")).ToHaveValueAsync("2000");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }
}
