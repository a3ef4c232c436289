using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Provenance.Console.Tests;

/// <summary>
/// The lineage explorer with 2,000 nodes, measured in the browser: layout, building the graph, the first painted frame,
/// and the longest frame while the graph is zoomed. Not a timed test: it prints the figures and asserts only that all
/// 2,000 nodes were drawn. It runs when PROVENANCE_CONSOLE_BENCH=1 (deploy/scripts/bench.sh console) and is skipped
/// otherwise. The graph comes from the page's own walk request, answered by the browser with a synthetic DAG of
/// ancestors (a binary tree of generations with 30 % extra parents), so the figure is the console's, not the registry's.
/// </summary>
public sealed class LineageBenchmark(ConsoleFixture registry, ITestOutputHelper output) : IClassFixture<ConsoleFixture>
{
    const int Nodes = 2000;

    static string SyntheticGraph()
    {
        var random = new Random(17);
        string[] classes = ["human", "synthetic", "mixed"];
        var level = (int i) => -(int)Math.Floor(Math.Log2(i + 1));
        var nodes = Enumerable.Range(0, Nodes).Select(i => new
        {
            id = i + 1, contentHash = $"{i:x64}", @class = classes[random.Next(3)], depth = (int?)null, generator = (string?)null, level = level(i),
        });
        var edges = new List<object>();
        for (var i = 1; i < Nodes; i++)
        {
            edges.Add(new { child = (i - 1) / 2 + 1, parent = i + 1, relation = "generated_from", generator = (string?)null });
            var first = (1 << -level(i)) - 1;
            if (random.NextDouble() < 0.3 && first > 1)
            {
                var other = random.Next(first / 2, first) + 1;
                if (other != (i - 1) / 2 + 1)
                {
                    edges.Add(new { child = other, parent = i + 1, relation = "paraphrase_of", generator = (string?)null });
                }
            }
        }
        return JsonSerializer.Serialize(new { focus = 1, nodes, edges, truncated = false });
    }

    [Fact]
    public async Task TwoThousandNodes()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("PROVENANCE_CONSOLE_BENCH") == "1", "a benchmark: deploy/scripts/bench.sh console");
        var page = await registry.NewPageAsync();
        page.SetDefaultTimeout(120_000);
        var graph = SyntheticGraph();
        await page.RouteAsync("**/v1/documents/1/ancestors*", route => route.FulfillAsync(new() { ContentType = "application/json", Body = graph }));
        await page.RouteAsync("**/v1/documents/1/roots", route => route.FulfillAsync(new()
        {
            ContentType = "application/json", Body = """{"focus":1,"roots":[],"unanchored":[],"pending":[]}""",
        }));
        await registry.SignInAsync(page, "curator");

        var started = await page.EvaluateAsync<double>("() => { const t = performance.now(); location.hash = '/documents/1/lineage?maxDepth=20'; return t; }");
        var canvas = page.GetByTestId("lineage-graph");
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-node-count", Nodes.ToString(CultureInfo.InvariantCulture), new() { Timeout = 120_000 });
        var shown = await page.EvaluateAsync<double>("() => performance.now()") - started;
        var ms = async (string name) => double.Parse((await canvas.GetAttributeAsync(name))!, CultureInfo.InvariantCulture);

        // Zoom in and out 20 times while a frame loop records the longest gap between frames.
        await page.EvaluateAsync("() => { window.__frames = []; const loop = (t) => { window.__frames.push(t); if (window.__frames.length < 100000) requestAnimationFrame(loop); }; requestAnimationFrame(loop); }");
        var box = (await canvas.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        for (var i = 0; i < 20; i++)
        {
            await page.Mouse.WheelAsync(0, i < 10 ? -300 : 300);
            await page.WaitForTimeoutAsync(50);
        }
        var longestFrame = await page.EvaluateAsync<double>("() => { const f = window.__frames; let m = 0; for (let i = 1; i < f.length; i++) m = Math.max(m, f[i] - f[i - 1]); return m; }");

        var edges = JsonDocument.Parse(graph).RootElement.GetProperty("edges").GetArrayLength();
        var (layout, built, painted) = (await ms("data-layout-ms"), await ms("data-render-ms"), await ms("data-painted-ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lineage explorer, {Nodes} nodes, {edges} edges: layout {layout:F1} ms, graph built {built:F1} ms, first frame painted {painted:F1} ms after the data; route to painted {shown:F0} ms; longest frame while zooming {longestFrame:F0} ms"));
        Assert.Equal(Nodes, await page.GetByTestId("lineage-nodes").Locator("li").CountAsync());
    }
}
