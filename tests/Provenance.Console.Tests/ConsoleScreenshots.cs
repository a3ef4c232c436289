using System.Net.Http.Json;
using Microsoft.Playwright;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Documents;
using Provenance.Testing;

namespace Provenance.Console.Tests;

/// <summary>
/// Screenshots of the console's main pages at 1280x800, on a small registry of their own: human roots, three generations
/// of synthetic descendants by two generators, a mixed document, https sightings, an undeclared document scored by the
/// detector, and two dataset versions, the second accumulating on the first. Not a test: it runs when
/// PROVENANCE_CONSOLE_SCREENSHOTS names the folder to write the PNGs to (deploy/scripts/screenshots.sh writes them to
/// docs/console/) and is skipped otherwise.
/// </summary>
public sealed class ConsoleScreenshots(DetectorConsoleFixture registry) : IClassFixture<DetectorConsoleFixture>
{
    const string Gpt = "gpt-4o@2024-08-06";
    const string Llama = "llama-3.1@70b";

    static readonly string[] HumanTexts =
    [
        "The harbour wall at Porthmellin was rebuilt in 1884 after the great gale took half of it into the sea. Old photographs in the parish hall show the gap, and the fishing boats drawn up on the shingle behind the church until the new stone was laid.",
        "Our walk began at the lifeboat station and followed the cliff path north to the old lime kilns. The gorse was in flower, a pair of choughs worked the turf by the coastguard hut, and the tide was low enough to cross the ford at Polgwyn without wet boots.",
        "At the harbour meeting on Tuesday the fishermen asked the council to dredge the inner basin before winter. Three boats grounded on the bar last month, and the harbourmaster said the silt has risen by almost a metre since the last survey in 2019.",
        "My grandmother kept the bakery on Fore Street for forty years. She lit the oven at four every morning, sold saffron buns to the fishermen before the boats went out, and never once wrote down a recipe; we have been guessing at her proportions ever since.",
        "The parish records list eleven pilchard cellars around the harbour in 1851. Only two survive as buildings: one is now the sailing club and the other a holiday let whose owners found the pressing stones under the kitchen floor.",
        "Rain all day, so we stayed in the museum by the harbour. The best room is the one about the 1939 wreck of the Maria Ansel, with the ship's bell, a letter from the captain's wife and the chart the coxswain used to find her in the fog.",
    ];

    static readonly string[] CommunityTexts =
    [
        "Does anyone know whether the Tuesday ferry still runs in October? The timetable at the quay stops in September but the café owner said they sometimes add sailings.",
        "Lost: a blue kayak paddle near the slipway on Sunday afternoon. It has a name written on the shaft in white paint. Please leave it with the harbour office.",
        "The choir is looking for tenors for the Christmas concert at the chapel. Rehearsals are Thursday evenings in the school hall; no audition, just come along.",
        "Thank you to everyone who helped clear the beach after the storm. We filled forty sacks with rope, plastic and one very surprised crab.",
        "Planning notice: the old net loft on the quay is to become a workshop for boat repairs. Comments to the council by the end of the month.",
        "Anyone else hear the foghorn at three in the morning last night? Our dog was not impressed and neither was the baby.",
        "The farm shop at the top of the hill has new potatoes and the first strawberries of the year. Cash only, honesty box by the gate.",
        "Bus 17 is diverted through the estate until the bridge repairs finish. The stop outside the post office is closed for six weeks.",
        "Free to a good home: a stack of tide tables from 1987 to 2004, in case anyone collects them or needs something to light the stove.",
        "The lifeboat crew's open day is on Saturday. Tours of the boathouse from ten, a demonstration launch at two if the sea allows.",
    ];

    const string ScoredHuman = "We walked down to the harbour before breakfast because my aunt wanted to see whether the ferry "
        + "was still running after the storm. The gulls were loud, the café was shut, and a man in a yellow coat "
        + "was scraping weed off the slipway while his dog barked at every wave.";
    const string ScoredMachine = "In today's rapidly evolving landscape, it is important to note that effective communication "
        + "plays a crucial role in fostering collaboration. By leveraging innovative strategies and embracing best "
        + "practices, organizations can unlock new opportunities and drive sustainable growth across diverse sectors.";

    static readonly DateTimeOffset Crawled = new(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task MainPages()
    {
        var folder = Environment.GetEnvironmentVariable("PROVENANCE_CONSOLE_SCREENSHOTS");
        Assert.SkipWhen(string.IsNullOrEmpty(folder), "screenshots: deploy/scripts/screenshots.sh");
        Directory.CreateDirectory(folder!);
        var data = await RegisterAsync();

        var curator = await PageAsync("curator");
        await curator.GotoAsync("/console/#/overview");
        await curator.GetByTestId("recent").WaitForAsync();
        await ShootAsync(curator, folder!, "overview");

        await curator.GotoAsync("/console/#/find?q=harbour");
        await Assertions.Expect(curator.GetByTestId("hit").First).ToBeVisibleAsync();
        await ShootAsync(curator, folder!, "find", fullPage: false);

        await curator.GotoAsync($"/console/#/documents/{data.Scored}");
        await Assertions.Expect(curator.GetByTestId("segment")).ToHaveCountAsync(2);
        await ShootAsync(curator, folder!, "document");

        await curator.GotoAsync($"/console/#/documents/{data.LineageFocus}/lineage?direction=ancestors&maxDepth=3");
        await Assertions.Expect(curator.GetByTestId("lineage-graph")).ToHaveAttributeAsync("data-node-count", "9");
        await ShootAsync(curator, folder!, "lineage", endAt: curator.GetByTestId("lineage-graph"));

        var trainer = await PageAsync("trainer");
        await trainer.GotoAsync($"/console/#/datasets/{Uri.EscapeDataString(data.Second)}");
        await Assertions.Expect(trainer.GetByTestId("manifest-hash")).ToBeVisibleAsync();
        await ShootAsync(trainer, folder!, "dataset-version", endAt: trainer.GetByTestId("collapse-risk"));

        await trainer.GotoAsync($"/console/#/datasets/diff?from={Uri.EscapeDataString(data.First)}&to={Uri.EscapeDataString(data.Second)}");
        await Assertions.Expect(trainer.GetByTestId("diff-shares")).ToBeVisibleAsync();
        await ShootAsync(trainer, folder!, "diff");

        await trainer.GotoAsync("/console/#/datasets/assemble");
        await trainer.GetByLabel("Dataset", new() { Exact = true }).FillAsync("harbour-web");
        await trainer.GetByLabel("Target size").FillAsync("18");
        await trainer.GetByLabel("Minimum human share").FillAsync("0.6");
        await trainer.GetByRole(AriaRole.Button, new() { Name = "Preview (dry run)" }).ClickAsync();
        await Assertions.Expect(trainer.GetByTestId("shares")).ToBeVisibleAsync();
        await ShootAsync(trainer, folder!, "assemble");
    }

    async Task<IPage> PageAsync(string role)
    {
        var context = await registry.Browser.NewContextAsync(new()
        {
            BaseURL = registry.Address.ToString(), ViewportSize = new() { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await registry.SignInAsync(page, role);
        return page;
    }

    /// <summary>
    /// Waits until every chart on the page has drawn its bars and two frames have been painted, then captures the whole
    /// page, the viewport, or the page down to the end of <paramref name="endAt"/>.
    /// </summary>
    static async Task ShootAsync(IPage page, string folder, string name, bool fullPage = true, ILocator? endAt = null)
    {
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('figure.chart')].every(f => !f.querySelector('canvas') || f.dataset.marks !== '0')");
        await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
        float? end = endAt is null ? null : await endAt.EvaluateAsync<float>("e => e.getBoundingClientRect().bottom + window.scrollY + 16");
        await page.ScreenshotAsync(new()
        {
            Path = Path.Combine(folder, $"{name}.png"), FullPage = fullPage,
            Clip = end is { } bottom ? new() { X = 0, Y = 0, Width = 1280, Height = bottom } : null,
        });
    }

    sealed record Registered(long Scored, long LineageFocus, string First, string Second);

    async Task<Registered> RegisterAsync()
    {
        var crawler = registry.Client("crawler");
        async Task<long> One(string text, string uri, string? cls, string? generator = null, params ParentReferenceRequest[] parents) =>
            (await crawler.RegisterAsync(new RegisterDocumentRequest(text, SourceUri: uri, CrawledAt: Crawled, Language: "en", Licence: "CC-BY-4.0",
                Declared: cls is null ? null : new DeclaredProvenanceRequest(cls, generator), Parents: parents.Length == 0 ? null : parents))).Id;
        ParentReferenceRequest Of(long id, string relation) => new(id, Relation: relation);

        var roots = new List<long>();
        for (var i = 0; i < HumanTexts.Length; i++)
        {
            roots.Add(await One(HumanTexts[i], $"https://www.porthmellin-gazette.example/{2019 + i}/harbour-{i + 1}", "human"));
        }
        // A second sighting of two roots, on another site.
        await One(HumanTexts[0], "https://history.cornwall-notes.example/porthmellin/harbour-wall", "human");
        await One(HumanTexts[2], "https://news.kernow-coast.example/2026/11/dredging-call", "human");
        for (var i = 0; i < CommunityTexts.Length; i++)
        {
            await One(CommunityTexts[i], $"https://forum.porthmellin.example/t/{4100 + i}", "human");
        }

        var first = new List<long>();
        for (var i = 0; i < roots.Count; i++)
        {
            first.Add(await One($"Rewritten for a travel site: {HumanTexts[i]} Visitors today will find the harbour a charming stop on any coastal itinerary.",
                $"https://travel-roundup.example/cornwall/porthmellin-{i + 1}", "synthetic", Gpt, Of(roots[i], "paraphrase_of")));
        }
        var second = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            second.Add(await One($"Summary {i + 1}: Porthmellin's harbour combines maritime heritage with community life, from its rebuilt wall to its museum and working boats.",
                $"https://digest.example.com/porthmellin/summary-{i + 1}", "synthetic", Llama,
                Of(first[i], "summary_of"), Of(first[i + 1], "generated_from")));
        }
        var third = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            third.Add(await One($"Traduction {i + 1} : le port de Porthmellin allie patrimoine maritime et vie locale, du mur reconstruit au musée.",
                $"https://digest.example.fr/porthmellin/resume-{i + 1}", "synthetic", Gpt, Of(second[2 * i], "translation_of"), Of(second[2 * i + 1], "summary_of")));
        }
        await One($"{HumanTexts[3]} Edited with an assistant: the bakery remains a beloved landmark that embodies the spirit of the town.",
            "https://blog.fore-street.example/posts/grandmothers-bakery", "mixed", Llama, Of(roots[3], "edited_from"));

        var scored = await One($"{ScoredHuman}\n\n{ScoredMachine}", "https://unlabelled-posts.example/p/77812", null);
        await registry.Client("curator").WaitForDetectorAsync(scored, () => registry.Log.Text);
        var asserted = await registry.Client("curator").PostAsJsonAsync($"/v1/documents/{scored}/assertions", new AssertClassRequest("mixed", 0.8,
            Note: "The first paragraph is the author's own; the second reads as assistant boilerplate pasted in."));
        asserted.EnsureSuccessStatusCode();

        var trainer = registry.Client("trainer");
        var v1 = await trainer.AssembleAsync(new DatasetSpec("harbour-web", Target: new DatasetTarget(Documents: 14), MinHumanShare: 0.6, Seed: 7));
        var v2 = await trainer.AssembleAsync(new DatasetSpec("harbour-web", Base: v1.Ref, Target: new DatasetTarget(Documents: 24), MinHumanShare: 0.5, Seed: 7));
        return new(scored, third[0], v1.Ref, v2.Ref);
    }
}
