using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Provenance.Contracts.Datasets;
using Provenance.Testing;

namespace Provenance.Console.Tests;

/// <summary>The dataset pages in a real browser: a version's charts, the diff of two versions, and assembling from the form.</summary>
public sealed class DatasetPagesTests(ConsoleFixture registry) : IClassFixture<ConsoleFixture>
{
    static string NewDataset() => $"console-{Guid.NewGuid():N}"[..20];

    /// <summary>Six human documents, three synthetic by one generator and two by another, on a domain of their own.</summary>
    async Task<string> CorpusAsync()
    {
        var domain = DatasetRequests.NewDomain();
        var crawler = registry.Client("crawler");
        await crawler.RegisterAsync(domain, "human", 6);
        await crawler.RegisterAsync(domain, "synthetic", 3, "gpt-4o@2024-08-06");
        await crawler.RegisterAsync(domain, "synthetic", 2, "llama-3@70b");
        return domain;
    }

    /// <summary>How many marks a chart drew, and whether its canvas has any pixel painted.</summary>
    static async Task<(int Marks, bool Painted)> ChartAsync(IPage page, string id)
    {
        var chart = page.GetByTestId($"chart-{id}");
        var marks = int.Parse((await chart.GetAttributeAsync("data-marks"))!, CultureInfo.InvariantCulture);
        var painted = await chart.Locator("canvas").EvaluateAsync<bool>(
            "c => c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0)");
        return (marks, painted);
    }

    [Fact]
    public async Task AVersionPageDrawsOneMarkPerTallyAndShowsTheRiskReportAndSpec()
    {
        var domain = await CorpusAsync();
        var version = await registry.Client("trainer").AssembleAsync(DatasetRequests.Spec(NewDataset(), domain, 11, 0.5));
        var risk = version.Manifest.CollapseRisk;

        var page = await registry.SignedInAsync("curator");
        await page.GetByRole(AriaRole.Link, new() { Name = "Datasets", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = version.Ref, Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Dataset version {version.Ref}");
        await Assertions.Expect(page.GetByTestId("chart-sources")).Not.ToHaveAttributeAsync("data-marks", "0");
        Assert.Equal((version.Manifest.Stats.ByClass.Count, true), await ChartAsync(page, "classes"));
        Assert.Equal((2, true), await ChartAsync(page, "generators"));
        Assert.Equal((risk.SyntheticDepth.Histogram.Count, true), await ChartAsync(page, "depth"));
        Assert.Equal((2 * risk.SourceCoverage.Top.Count, true), await ChartAsync(page, "sources"));
        Assert.Equal($"{risk.SourceCoverage.Top.Count},{risk.SourceCoverage.Top.Count}", await page.GetByTestId("chart-sources").GetAttributeAsync("data-series-lengths"));
        await Assertions.Expect(page.GetByTestId("chart-generators").GetByRole(AriaRole.Row, new() { Name = "gpt-4o@2024-08-06" })).ToContainTextAsync("3");

        Assert.Equal(version.ManifestHash, await page.GetByTestId("manifest-hash").TextContentAsync());
        Assert.Contains($"\"minHumanShare\": 0.5", await page.GetByTestId("spec").TextContentAsync());
        var warnings = page.GetByTestId("warnings");
        if (risk.Warnings.Count == 0)
        {
            await Assertions.Expect(warnings).ToHaveTextAsync("No warnings.");
        }
        else
        {
            await Assertions.Expect(warnings.Locator("li")).ToHaveCountAsync(risk.Warnings.Count);
        }
        await Assertions.Expect(page.GetByTestId("download-ndjson")).ToHaveAttributeAsync("href", $"/v1/datasets/{Uri.EscapeDataString(version.Ref)}/documents");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-ndjson").ClickAsync());
        Assert.Equal(11, File.ReadAllLines((await download.PathAsync())!).Length);

        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task TheDiffOfAVersionAndItsBaseShowsTheDocumentsAddedByClassAndGeneratorAndHowTheSharesMoved()
    {
        var domain = await CorpusAsync();
        var trainer = registry.Client("trainer");
        var first = await trainer.AssembleAsync(DatasetRequests.Spec(NewDataset(), domain, 4, 1, classes: ["human"]));
        var second = await trainer.AssembleAsync(DatasetRequests.Spec(first.Dataset, domain, 11, 0.5, baseRef: first.Ref));

        var page = await registry.SignedInAsync("trainer");
        await page.GotoAsync($"/console/#/datasets/{Uri.EscapeDataString(second.Ref)}");
        await page.GetByRole(AriaRole.Link, new() { Name = "what changed" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("diff-relation")).ToContainTextAsync($"{second.Ref} accumulates on {first.Ref}: it keeps its 4 documents and adds 7.");
        var classes = page.GetByTestId("diff-classes");
        await Assertions.Expect(classes.GetByRole(AriaRole.Row, new() { Name = "human" })).ToHaveTextAsync(Row(@"^human46\+2"));
        await Assertions.Expect(classes.GetByRole(AriaRole.Row, new() { Name = "synthetic" })).ToHaveTextAsync(Row(@"^synthetic05\+5"));
        var generators = page.GetByTestId("diff-generators");
        await Assertions.Expect(generators.GetByRole(AriaRole.Row, new() { Name = "gpt-4o@2024-08-06" })).ToHaveTextAsync(Row(@"^gpt-4o@2024-08-0603\+3"));
        await Assertions.Expect(generators.GetByRole(AriaRole.Row, new() { Name = "llama-3@70b" })).ToHaveTextAsync(Row(@"^llama-3@70b02\+2"));
        await Assertions.Expect(page.GetByTestId("diff-shares").GetByRole(AriaRole.Row, new() { NameRegex = Row("^human ") }))
            .ToHaveTextAsync(string.Create(CultureInfo.InvariantCulture,
                $"human100.0%{second.Manifest.CollapseRisk.HumanShare * 100:0.0}%−{(1 - second.Manifest.CollapseRisk.HumanShare) * 100:0.0} pp"));
    }

    [Fact]
    public async Task ATrainerPreviewsThenAssemblesThenSeesARefusalsShortfalls()
    {
        var domain = await CorpusAsync();
        var dataset = NewDataset();
        var page = await registry.SignedInAsync("trainer");
        await page.GetByRole(AriaRole.Link, new() { Name = "Datasets", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Assemble a version" }).ClickAsync();
        await page.GetByLabel("Dataset", new() { Exact = true }).FillAsync(dataset);
        await page.GetByLabel("Target size").FillAsync("8");
        await page.GetByLabel("Minimum human share").FillAsync("0.5");
        await page.GetByLabel("Source domains (optional)").FillAsync(domain);

        await page.GetByRole(AriaRole.Button, new() { Name = "Preview (dry run)" }).ClickAsync();
        var previewHash = await page.GetByTestId("preview-hash").TextContentAsync();
        Assert.StartsWith("sha256:", previewHash);
        await Assertions.Expect(page.GetByTestId("preview-size")).ToContainTextAsync("8 documents");
        await Assertions.Expect(page.GetByTestId("shares")).ToBeVisibleAsync();
        Assert.DoesNotContain(await registry.Client("trainer").ReadAsync<List<DatasetResponse>>("/v1/datasets"), d => d.Name == dataset);

        await page.GetByRole(AriaRole.Button, new() { Name = "Assemble", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("stored-hash")).ToHaveTextAsync(previewHash!);
        var stored = await registry.Client("trainer").ReadAsync<DatasetVersionResponse>($"/v1/datasets/{dataset}");
        Assert.Equal(previewHash, stored.ManifestHash);
        await Assertions.Expect(page.GetByTestId("stored").GetByRole(AriaRole.Link, new() { Name = stored.Ref })).ToBeVisibleAsync();

        await page.GetByLabel("Target size").FillAsync("100");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview (dry run)" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("refusal")).ToContainTextAsync("infeasible_mix");
        var shortfall = page.GetByTestId("shortfall").First;
        await Assertions.Expect(shortfall.Locator("li").First).Not.ToBeEmptyAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task ACuratorIsNotOfferedTheAssembleForm()
    {
        var page = await registry.SignedInAsync("curator");
        await page.GetByRole(AriaRole.Link, new() { Name = "Datasets", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Datasets" }).WaitForAsync();

        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Assemble a version" }).CountAsync());
        await page.GotoAsync("/console/#/datasets/assemble");
        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("may not assemble datasets");
    }

    /// <summary>A table row's text from its start: cells run together, so a pattern reads them in order.</summary>
    static Regex Row(string pattern) => new(pattern);
}
