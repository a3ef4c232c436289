using System.Text.Json;
using Provenance.Testing;

namespace Provenance.Cli.Tests.Lineage;

public sealed class LineageTreeTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IDisposable
{
    readonly CliRunner _cli = new(registry);
    readonly string _dir = Directory.CreateTempSubdirectory("provenance-cli-").FullName;

    async Task<JsonElement> RegisterAsync(string text, params string[] options)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(path, text);
        var result = await _cli.RunAsync("crawler", ["register", path, "--json", .. options]);
        Assert.True(result.Exit == 0, result.Err);
        return JsonDocument.Parse(result.Out).RootElement;
    }

    [Fact]
    public async Task LineagePrintsAncestorsAsATreeAndRootsFindTheHumanAnchor()
    {
        var human = await RegisterAsync(TestDocuments.UniqueText("human"), "--class", "human");
        var child = await RegisterAsync(TestDocuments.UniqueText("child"), "--class", "synthetic", "--generator", "gpt-4o@2024-08-06",
            "--parent", $"{human.GetProperty("id")}:paraphrase_of");
        var grandchild = await RegisterAsync(TestDocuments.UniqueText("grandchild"), "--class", "synthetic",
            "--parent", $"{child.GetProperty("contentHash").GetString()}:translation_of");

        var tree = await _cli.RunAsync("trainer", "lineage", grandchild.GetProperty("id").ToString());
        var roots = await _cli.RunAsync("trainer", "roots", grandchild.GetProperty("id").ToString());
        var down = await _cli.RunAsync("trainer", "lineage", human.GetProperty("id").ToString(), "--descendants", "--max-depth", "1");

        Assert.Equal([0, 1, 2], new[] { human, child, grandchild }.Select(d => d.GetProperty("depth").GetInt32()));
        var lines = tree.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"{grandchild.GetProperty("id")} synthetic", lines[0]);
        Assert.Contains($"translation_of: {child.GetProperty("id")} synthetic gpt-4o@2024-08-06, depth 1", lines[1]);
        Assert.Contains($"paraphrase_of: {human.GetProperty("id")} human, depth 0", lines[2]);
        Assert.Contains("human root", roots.Out);
        Assert.Contains(human.GetProperty("contentHash").GetString()!, roots.Out);
        Assert.Contains("--max-depth", down.Out);
    }

    [Fact]
    public async Task AChildRegisteredFirstWaitsForItsParent()
    {
        var parentText = TestDocuments.UniqueText("late parent");
        var child = await RegisterAsync(TestDocuments.UniqueText("early child"), "--class", "synthetic",
            "--parent", $"{TestDocuments.HashOf(parentText)}:summary_of");

        var parent = await RegisterAsync(parentText, "--class", "human");
        var shown = JsonDocument.Parse((await _cli.RunAsync("curator", "show", child.GetProperty("id").ToString(), "--json")).Out).RootElement;

        Assert.Equal(1, child.GetProperty("pendingParents").GetInt32());
        Assert.Equal(JsonValueKind.Null, child.GetProperty("depth").ValueKind);
        Assert.Equal("created", parent.GetProperty("status").GetString());
        Assert.Equal(1, shown.GetProperty("depth").GetInt32());
        Assert.Equal(0, shown.GetProperty("pendingParents").GetArrayLength());
        Assert.Equal(parent.GetProperty("id").GetInt64(), shown.GetProperty("parents")[0].GetProperty("id").GetInt64());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
