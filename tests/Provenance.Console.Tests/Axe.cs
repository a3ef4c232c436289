using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Provenance.Console.Tests;

/// <summary>The accessibility check every console page passes: axe finds nothing serious or critical.</summary>
internal static class Axe
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}");
        Assert.Empty(serious);
    }
}
