using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Contracts.Documents;
using Provenance.Testing;

namespace Provenance.Cli.Tests.Datasets;

public sealed class AssembleAndExportTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IDisposable
{
    readonly CliRunner _cli = new(registry);
    readonly string _dir = Directory.CreateTempSubdirectory("provenance-cli-datasets-").FullName;

    async Task<string> CorpusAsync()
    {
        var domain = $"cli{Guid.NewGuid():N}.test";
        var documents = Enumerable.Range(0, 14).Select(i => new RegisterDocumentRequest($"document {i} of {domain}",
            SourceUri: $"https://{domain}/{i}",
            Declared: new DeclaredProvenanceRequest(i < 10 ? "human" : "synthetic", i < 10 ? null : "cli-model@1"))).ToList();
        (await registry.Client("crawler").PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest(documents))).EnsureSuccessStatusCode();
        return domain;
    }

    async Task<string> SpecFileAsync(string json)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    [Fact]
    public async Task AssembleBuildsAVersionFromASpecFileAndExportWritesItOut()
    {
        var domain = await CorpusAsync();
        var spec = await SpecFileAsync($$"""
            // comments are allowed in spec files
            { "dataset": "cli-mix", "target": { "documents": 12 }, "minHumanShare": 0.75, "filters": { "sourceDomains": ["{{domain}}"] }, "seed": 3 }
            """);
        var outDir = Path.Combine(_dir, "export");

        var assembled = await _cli.RunAsync("trainer", "assemble", spec);
        var shown = await _cli.RunAsync("trainer", "datasets", "show", "cli-mix@1", "--json");
        var exported = await _cli.RunAsync("trainer", "export", "cli-mix@1", "--format", "jsonl", "--out", outDir);
        var chain = await _cli.RunAsync("trainer", "datasets", "chain", "cli-mix");

        Assert.True(assembled.Exit == 0, assembled.Err);
        Assert.Contains("created cli-mix@1", assembled.Out);
        Assert.Contains("human share", assembled.Out);
        // Which of the 10 human and 4 synthetic documents fill the 12 places depends on their sample keys, which are
        // new each run; the share is at the floor or above it.
        var share = System.Text.RegularExpressions.Regex.Match(assembled.Out, @"(\d+\.\d)% \(floor 75\.0%\)");
        Assert.True(share.Success, assembled.Out);
        Assert.InRange(double.Parse(share.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 75.0, 100.0);
        var version = JsonDocument.Parse(shown.Out).RootElement;
        Assert.Equal(12, version.GetProperty("documents").GetInt64());
        Assert.True(exported.Exit == 0, exported.Err);
        Assert.Contains("exported cli-mix@1: 12 documents in 1 jsonl file(s)", exported.Out);
        Assert.Contains("manifest.json verified against " + version.GetProperty("manifestHash").GetString(), exported.Out);
        Assert.Equal(12, (await File.ReadAllLinesAsync(Path.Combine(outDir, "data", "train-00000-of-00001.jsonl"))).Length);
        Assert.True(File.Exists(Path.Combine(outDir, "README.md")));
        Assert.Contains("cli-mix@1", chain.Out);
    }

    [Fact]
    public async Task AnImpossibleSpecFailsWithTheRegistrysExplanation()
    {
        var domain = await CorpusAsync();
        var spec = await SpecFileAsync($$"""{ "dataset": "cli-impossible", "target": { "documents": 14 }, "minHumanShare": 0.9, "filters": { "sourceDomains": ["{{domain}}"] } }""");

        var result = await _cli.RunAsync("trainer", "assemble", spec);

        Assert.Equal(1, result.Exit);
        Assert.Contains("minHumanShare 0.9 needs at least 13 human documents", result.Err);
        Assert.Contains("[infeasible_mix]", result.Err);
    }

    [Fact]
    public async Task ASpecFileThatIsNotJsonIsRefusedBeforeAnythingIsSent()
    {
        var spec = await SpecFileAsync("{ \"dataset\": ");

        var result = await _cli.RunAsync("trainer", "assemble", spec);

        Assert.Equal(1, result.Exit);
        Assert.Contains("is not a valid mix spec", result.Err);
    }

    [Fact]
    public async Task AMisspeltFieldInASpecFileIsAnErrorNotASilentDefault()
    {
        var spec = await SpecFileAsync("""{ "dataset": "x", "target": { "documents": 5 }, "minHumanShare": 0.7, "maxSyntheticShar": 0.1 }""");

        var result = await _cli.RunAsync("trainer", "assemble", spec);

        Assert.Equal(1, result.Exit);
        Assert.Contains("maxSyntheticShar", result.Err);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
